// `studio rewards import|list|claim`: the contributor's side of Settlement's pull payments from a
// terminal. A claim file comes from whoever settled a fee (shared/ledger/README.md, "Claim
// files"); the claim is sent with the wallet, its password from a file or the environment.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Reward } from '../../../shared/api/schemas/rewards';
import { withBackend } from '../backend';
import { usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { PASSWORD_HELP, ledgerCall, unlockWallet } from './wallet';

function listLine(r: Reward): string {
  const state = r.state === 'invalid' ? `invalid: ${r.reason}` : r.state === 'claimed' && r.claimTx ? `claimed (tx ${r.claimTx})` : r.state;
  return `payment ${r.paymentId}  index ${r.index}  ${r.formatted} ETH  ${state}`;
}

export function registerRewardsCommands(program: Command): void {
  const rewards = program.command('rewards').description("your shares of fees paid for models trained on your data: import a settler's claim file, list, claim");

  rewards
    .command('import <file>')
    .description("import a claim file (datanet-studio/claims@1); every proof is checked against its payment's shares root on the configured network")
    .action(async (file: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw usageError(`${file}: ${(error as Error).message}`);
      }
      const result = await withBackend(globals, (b) => ledgerCall(b, 'rewards.import', { file: text }));
      if (globals.json) printJson(result);
      else process.stdout.write(`Checked ${result.checked} claim(s) of payment(s) ${result.payments.join(', ')}; ${result.mine} paid to this wallet. See them with \`studio rewards list\`.\n`);
    });

  rewards
    .command('list')
    .description("the imported shares paid to this wallet, each claimable, claimed or invalid (with why) as the chain says")
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const list = await withBackend(globals, (b) => ledgerCall(b, 'rewards.list', {}));
      if (globals.json) printJson(list);
      else if (list.length === 0) process.stdout.write('No rewards imported. When a fee is paid for a model trained on your data, its settler hands out a claim file: `studio rewards import FILE`.\n');
      else process.stdout.write(`${list.map(listLine).join('\n')}\n`);
    });

  rewards
    .command('claim <payment> <index>')
    .description('claim one share with the wallet (Settlement.claim): the amount is paid to your address, the gas from your balance')
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (payment: string, index: string, flags: { passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      if (!/^(0|[1-9]\d*)$/.test(payment)) throw usageError(`PAYMENT must be a payment id (a whole number), not ${payment}`);
      if (!/^(0|[1-9]\d*)$/.test(index) || !Number.isSafeInteger(Number(index))) throw usageError(`INDEX must be a share's index (a whole number), not ${index}`);
      const claimed = await withBackend(globals, async (b) => {
        await unlockWallet(b, flags);
        return ledgerCall(b, 'rewards.claim', { paymentId: payment, index: Number(index) });
      });
      if (globals.json) printJson(claimed);
      else process.stdout.write(`Claimed ${claimed.formatted} ETH (tx ${claimed.txHash}); the balance is ${claimed.balanceFormatted} ETH.\n`);
    });
}
