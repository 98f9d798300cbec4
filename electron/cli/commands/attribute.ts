// `studio attribute`: which contributors' data an output of a registered adapter drew on, signed
// as an attribution record with the wallet (shared/ledger/README.md, "Attribution records").
import type { Command } from 'commander';
import type { Attribution } from '../../../shared/api/schemas/attribution';
import { withBackend } from '../backend';
import { usageError } from '../errors';
import { attributionMethodArg } from '../flags';
import { globalOptions, printJson } from '../globals';
import { PASSWORD_HELP, ledgerCall, unlockWallet } from './wallet';

function summary(a: Attribution): string {
  const lines = [`Attribution ${a.id} (${a.record.method}) of ${a.adapter}'s output:`, `  ${JSON.stringify(a.output)}`];
  lines.push(a.topExamples.length ? 'Top examples:' : 'No training example shows in the output.');
  for (const e of a.topExamples) lines.push(`  ${e.score.toFixed(3)}  item ${e.itemId} (position ${e.position})  records ${e.records.join(', ') || 'none on this chain'}`);
  for (const c of a.contributors) lines.push(`Contributor ${c.contributor}: score ${c.score.toFixed(3)}, ${c.amount} wei of a ${a.record.totalFee} wei fee`);
  lines.push(`Signed by ${a.record.server} (nonce ${a.record.nonce}). Settle a fee with \`studio settle ${a.id} --fee WEI\`.`);
  return `${lines.join('\n')}\n`;
}

export function registerAttributeCommand(program: Command): void {
  program
    .command('attribute')
    .description("attribute an output of a registered adapter (given, or generated now) to its training examples and contributors, and sign the attribution record")
    .requiredOption('--model <name>', 'the base model')
    .requiredOption('--adapter <name>', 'an adapter of it, trained here and registered (studio adapter register)')
    .requiredOption('--prompt <text>', 'the query')
    .option('--output <text>', 'the output to attribute (default: generated now, greedy)')
    .option('--top <k>', 'how many training examples to list', '10')
    .option('--method <method>', "spans (the version's span index) or influence (DataInf over the adapter's gradient store); either is built on first use (default: the adapter's own, studio adapter attribution-method)")
    .option('--fee <wei>', 'price the record for this fee now (default: unpriced; studio settle prices it)', '0')
    .option('--max-tokens <n>', 'when generating: at most this many tokens', '64')
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (flags: { model: string; adapter: string; prompt: string; output?: string; top: string; method?: string; fee: string; maxTokens: string; passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 1) throw usageError(`--top ${flags.top}: must be a whole number from 1`);
      const method = flags.method === undefined ? undefined : attributionMethodArg('--method', flags.method);
      if (!/^(0|[1-9]\d*)$/.test(flags.fee)) throw usageError(`--fee ${flags.fee}: must be a whole number of wei`);
      const maxTokens = Number(flags.maxTokens);
      if (!Number.isInteger(maxTokens) || maxTokens < 1) throw usageError(`--max-tokens ${flags.maxTokens}: must be a whole number from 1`);
      const a = await withBackend(globals, async (b) => {
        await unlockWallet(b, flags);
        return ledgerCall(
          b,
          'attribution.attribute',
          { model: flags.model, adapter: flags.adapter, prompt: flags.prompt, ...(flags.output !== undefined ? { output: flags.output } : {}), top, ...(method ? { method } : {}), feeWei: flags.fee, maxTokens },
          true,
        );
      });
      if (globals.json) printJson(a);
      else process.stdout.write(summary(a));
    });
}
