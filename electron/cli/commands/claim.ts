// `studio claim [FILE]`: claims every claimable share of this wallet (importing a claim file
// first when one is given), one Settlement.claim each, as `studio rewards claim` does.
import fs from 'node:fs';
import type { Command } from 'commander';
import { withBackend } from '../backend';
import { usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { PASSWORD_HELP, ledgerCall, unlockWallet } from './wallet';

export function registerClaimCommand(program: Command): void {
  program
    .command('claim [file]')
    .description("claim every claimable share of this wallet (after importing the claim file FILE, when given)")
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (file: string | undefined, flags: { passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      let text: string | undefined;
      if (file !== undefined) {
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (error) {
          throw usageError(`${file}: ${(error as Error).message}`);
        }
      }
      const claimed = await withBackend(globals, async (b) => {
        await unlockWallet(b, flags);
        if (text !== undefined) await ledgerCall(b, 'rewards.import', { file: text });
        const claimable = (await ledgerCall(b, 'rewards.list', {})).filter((r) => r.state === 'claimable');
        const out = [];
        for (const r of claimable) out.push({ paymentId: r.paymentId, index: r.index, ...(await ledgerCall(b, 'rewards.claim', { paymentId: r.paymentId, index: r.index })) });
        return out;
      });
      if (globals.json) printJson(claimed);
      else if (claimed.length === 0) process.stdout.write('Nothing to claim: no imported share of this wallet is claimable (see `studio rewards list`).\n');
      else {
        const total = claimed.reduce((s, c) => s + BigInt(c.amount), 0n);
        process.stdout.write(`${claimed.map((c) => `Claimed ${c.formatted} ETH of payment ${c.paymentId} (share ${c.index}, tx ${c.txHash})`).join('\n')}\n${total} wei in all; the balance is ${claimed.at(-1)!.balanceFormatted} ETH.\n`);
      }
    });
}
