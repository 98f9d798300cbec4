// `studio devnet start|stop|status`: the embedded devnet (anvil, its chain in the data folder) run
// on its own, so several commands and the app share one node instead of each starting theirs.
import type { Command } from 'commander';
import { DEVNET_CHAIN_ID, type DevnetInfo } from '../../backend/ledger/devnet';
import { withBackend } from '../backend';
import { globalOptions, printJson } from '../globals';

function describe(info: DevnetInfo): string {
  if (!info.running) return `The devnet is not running (state file ${info.stateFile}).\n`;
  const lines = [
    `The devnet is running at ${info.rpcUrl} (chain id ${DEVNET_CHAIN_ID}, pid ${info.pid}, ${info.owner === 'detached' ? 'started by studio devnet start' : 'started by this command'}).`,
    `State file: ${info.stateFile}`,
  ];
  if (info.addresses) for (const [name, address] of Object.entries(info.addresses)) lines.push(`${name.padEnd(21)} ${address}`);
  return lines.join('\n') + '\n';
}

export function registerDevnetCommands(program: Command): void {
  const devnet = program.command('devnet').description('the embedded local chain (anvil) the app anchors on by default');

  devnet
    .command('start')
    .description('start the devnet in the background (it keeps running after this command) and deploy the contracts on first start')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const info = await withBackend(globals, (b) => b.ledger.devnet.startDetached());
      if (globals.json) printJson(info);
      else process.stdout.write(describe(info));
    });

  devnet
    .command('stop')
    .description('stop the devnet (anvil saves its state into the data folder on the way out)')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const stopped = await withBackend(globals, (b) => b.ledger.devnet.stop());
      if (globals.json) printJson({ stopped });
      else process.stdout.write(stopped ? 'Stopped the devnet; its state is saved.\n' : 'The devnet was not running.\n');
    });

  devnet
    .command('status')
    .description('whether the devnet runs, its RPC URL and the contract addresses')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const info = await withBackend(globals, (b) => b.ledger.devnet.info());
      if (globals.json) printJson(info);
      else process.stdout.write(describe(info));
    });
}
