import type { Command } from 'commander';
import type { Version, VersionDiff } from '../../../shared/api/schemas/datanets';
import { counted } from '../../../shared/format';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { waitForJob } from '../wait-job';

/** "3", "latest" or a version id. */
function versionRef(raw: string): number | string {
  if (/^\d+$/.test(raw)) return Number(raw);
  if (raw === 'latest' || raw.startsWith('ver_')) return raw;
  throw usageError(`version ${raw}: give a number (1, 2…), "latest" or a version id (ver_…)`);
}

const line = (v: Version) => `v${v.number}  ${new Date(v.createdAt).toISOString()}  ${counted(v.recordCount, 'record')}  root ${v.root}${v.note ? `  ${v.note}` : ''}`;

/** The most characters of an item's text a line of `version diff` shows. */
const LINE_PREVIEW = 80;

/** One line of an item's text: whitespace runs and control characters as one space, cut at LINE_PREVIEW. */
function oneLine(text: string, truncated: boolean): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > LINE_PREVIEW ? `${flat.slice(0, LINE_PREVIEW - 1)}…` : truncated ? `${flat}…` : flat;
}

/**
 * `version diff` for people: each listed id after +, - or ~, with its text where the diff details
 * it, and under a changed one "field: before → after" per label field; then how many more there are.
 */
export function diffLines(diff: VersionDiff): string[] {
  const out = [`v${diff.from} → v${diff.to}: ${diff.counts.added} added, ${diff.counts.removed} removed, ${diff.counts.changed} changed`];
  for (const kind of ['added', 'removed', 'changed'] as const) {
    for (const id of diff[kind]) {
      const detail = diff.details[id];
      const text = detail ? oneLine(detail.text, detail.truncated) : '';
      out.push(`${{ added: '+', removed: '-', changed: '~' }[kind]} ${id}${text ? `  ${text}` : ''}`);
      for (const c of detail?.changes ?? []) out.push(`    ${c.field}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}`);
    }
    const more = diff.counts[kind] - diff[kind].length;
    if (more > 0) out.push(`  and ${more} more ${kind} (--limit lists more)`);
  }
  return out;
}

export function registerVersionCommands(program: Command): void {
  const version = program.command('version').description('freeze datanets into versions, compare them, prove records');

  version
    .command('create <datanet>')
    .description('freeze the datanet as it is now into a new version (Merkle root over every record)')
    .option('--note <text>', 'what changed', '')
    .action(async (datanet: string, flags: { note: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const created = await withBackend(globals, async (b) => {
        const job = await waitForJob(b, (await apiCall(b, 'versions.create', { datanet, note: flags.note })).id);
        if (job.state !== 'succeeded') throw new CliError(`version not created: ${job.state === 'failed' ? job.error : job.state}`);
        return apiCall(b, 'versions.list', { datanet }).then((l) => l.at(-1)!);
      });
      if (globals.json) printJson(created);
      else process.stdout.write(`Created ${line(created)}\n`);
    });

  version
    .command('list <datanet>')
    .description("list a datanet's versions")
    .action(async (datanet: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const list = await withBackend(globals, (b) => apiCall(b, 'versions.list', { datanet }));
      if (globals.json) printJson(list);
      else process.stdout.write(list.length ? list.map(line).join('\n') + '\n' : 'No versions yet: `studio version create NAME`.\n');
    });

  version
    .command('diff <datanet> <from> <to>')
    .description('records added, removed and changed from one version to another')
    .option('--limit <n>', 'item ids listed per kind', '1000')
    .action(async (datanet: string, from: string, to: string, flags: { limit: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const diff = await withBackend(globals, (b) => apiCall(b, 'versions.diff', { datanet, from: versionRef(from), to: versionRef(to), limit: Number(flags.limit) }));
      if (globals.json) printJson(diff);
      else process.stdout.write(diffLines(diff).join('\n') + '\n');
    });

  version
    .command('proof <datanet> <version> <item>')
    .description("an item's record in a version with its Merkle proof (verifiable on chain with OpenZeppelin's MerkleProof)")
    .action(async (datanet: string, version: string, item: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const proof = await withBackend(globals, (b) => apiCall(b, 'versions.proof', { datanet, version: versionRef(version), item }));
      if (globals.json) printJson(proof);
      else {
        process.stdout.write(
          [
            `record (v${proof.version}, position ${proof.position}): ${proof.record}`,
            `record hash: ${proof.recordHash}`,
            `leaf:        ${proof.leaf}`,
            `root:        ${proof.root}`,
            `proof:`,
            ...proof.proof.map((p) => `  ${p}`),
            `verified:    ${proof.verified ? 'yes' : 'NO'}`,
          ].join('\n') + '\n',
        );
      }
      if (!proof.verified) throw new CliError('the proof does not verify against the version root');
    });
}
