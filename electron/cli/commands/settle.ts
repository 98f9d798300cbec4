// `studio settle ID --fee WEI`: pays a fee for an attributed output to Settlement with its shares
// root and writes the claim file the contributors import (`studio rewards import`, `studio claim`).
import path from 'node:path';
import type { Command } from 'commander';
import { withBackend } from '../backend';
import { usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { PASSWORD_HELP, ledgerCall, unlockWallet } from './wallet';

export function registerSettleCommand(program: Command): void {
  program
    .command('settle <attribution>')
    .description("pay a fee for an attributed output to Settlement (the owner's part as registered, the rest by the attribution's shares) and write the claim file")
    .requiredOption('--fee <wei>', 'the fee in wei')
    .option('--out <file>', 'where to write the claim file (default: under the data folder)')
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (id: string, flags: { fee: string; out?: string; passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      if (!/^[1-9]\d*$/.test(flags.fee)) throw usageError(`--fee ${flags.fee}: must be a whole number of wei above 0`);
      const settled = await withBackend(globals, async (b) => {
        await unlockWallet(b, flags);
        return ledgerCall(b, 'attribution.settle', { id, feeWei: flags.fee, ...(flags.out ? { out: path.resolve(flags.out) } : {}) }, true);
      });
      if (globals.json) printJson(settled);
      else {
        const shares = settled.attribution.shares.map((s) => `  ${s.account}: ${s.amount} wei`).join('\n');
        process.stdout.write(`Paid ${flags.fee} wei as payment ${settled.paymentId} (tx ${settled.txHash}).\nShares:\n${shares}\nClaim file: ${settled.claimsFile}\n`);
      }
    });
}
