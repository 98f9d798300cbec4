// `studio contributions list|export`: the outbox, and bundles anyone can verify
// (format: shared/ledger/README.md).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Contribution } from '../../../shared/api/schemas/ledger';
import { RecordState } from '../../../shared/api/schemas/ledger';
import type { Backend } from '../../backend';
import { makeFolder } from '../../backend/store/make-folder';
import { withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { ledgerCall } from './wallet';

/** Every record matching the filter, newest first, a page of 1,000 at a time. */
async function allContributions(b: Backend, filter: { datanet?: string; state?: RecordState }): Promise<Contribution[]> {
  const out: Contribution[] = [];
  const seen = new Set<string>();
  let before: number | undefined;
  for (;;) {
    const page = await ledgerCall(b, 'contributions.list', { ...filter, limit: 1000, before }, true);
    const fresh = page.filter((c) => !seen.has(c.recordId));
    for (const c of fresh) {
      seen.add(c.recordId);
      out.push(c);
    }
    if (page.length < 1000) return out;
    // `before` is strict: the next page starts again at the last millisecond (records signed in the
    // same one would be skipped otherwise), unless it brought nothing new.
    const edge = page.at(-1)!.createdAt;
    before = fresh.length > 0 ? edge + 1 : edge;
  }
}

function row(c: Contribution, names: Map<string, string>): string {
  const where = c.blockNumber === null ? '' : `  block ${c.blockNumber}${c.confirmations === null ? '' : ` (${c.confirmations} conf.)`}`;
  return `${c.recordId}  ${c.state.padEnd(9)}  ${names.get(c.datanetId) ?? c.datanetId}  ${c.versionId}  ${c.itemCount} items${c.txHash ? `  tx ${c.txHash}` : ''}${where}${c.error ? `  (${c.error})` : ''}`;
}

export function registerContributionsCommands(program: Command): void {
  const contributions = program.command('contributions').description('signed contribution records: list them, export verifiable bundles');

  contributions
    .command('list')
    .description('contribution records with their state, newest first')
    .option('--datanet <name>', 'only this datanet (name or id)')
    .option('--state <state>', `only this state: ${RecordState.options.join('|')}`)
    .action(async (flags: { datanet?: string; state?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const state = flags.state === undefined ? undefined : RecordState.safeParse(flags.state);
      if (state && !state.success) throw usageError(`--state ${flags.state}: must be one of ${RecordState.options.join(', ')}`);
      const { list, names } = await withBackend(globals, async (b) => ({
        list: await allContributions(b, { datanet: flags.datanet, state: state?.data }),
        names: new Map((await ledgerCall(b, 'datanets.list', {})).map((d) => [d.id, d.name])),
      }));
      if (globals.json) printJson(list);
      else process.stdout.write(list.length ? list.map((c) => row(c, names)).join('\n') + '\n' : 'No contribution records: sign one with `studio contribute NAME`.\n');
    });

  contributions
    .command('export [record]')
    .description('write contribution bundles (record, signature, salt, Merkle proof, batch) as DIR/<recordId>.json, for `studio verify`')
    .option('--all', 'every record (those not anchored yet are written too, without a batch)')
    .option('--out <dir>', 'folder to write the bundles into (created if missing)')
    .action(async (record: string | undefined, flags: { all?: boolean; out?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      if (!flags.out) throw usageError('--out DIR is required: the folder the bundles go into');
      if ((record === undefined) === !flags.all) throw usageError('give one RECORD id or --all');
      const bundles = await withBackend(globals, async (b) => {
        const ids = record ? [record] : (await allContributions(b, {})).map((c) => c.recordId);
        const out = [];
        for (const id of ids) out.push(await ledgerCall(b, 'contributions.bundle', { record: id }));
        return out;
      });
      try {
        makeFolder(flags.out);
        for (const bundle of bundles) fs.writeFileSync(path.join(flags.out, `${bundle.record.recordId}.json`), JSON.stringify(bundle, null, 2) + '\n');
      } catch (error) {
        throw new CliError(`--out ${flags.out}: ${(error as Error).message}`);
      }
      const files = bundles.map((bundle) => path.resolve(flags.out!, `${bundle.record.recordId}.json`));
      const pending = bundles.filter((bundle) => bundle.batch === null).length;
      if (globals.json) printJson({ files, notAnchored: pending });
      else {
        process.stdout.write(`Wrote ${files.length} bundle(s) to ${flags.out}.\n`);
        if (pending) process.stderr.write(`${pending} of them are not in a batch yet: run \`studio sync\`, then export again to verify them on chain.\n`);
      }
    });
}
