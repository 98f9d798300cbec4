// `studio contribute NAME`: signs a contribution record for a datanet version (or, with --items,
// for some of its items) and stores it at once, online or not; `studio sync` anchors it.
import fs from 'node:fs';
import type { Command } from 'commander';
import { withBackend } from '../backend';
import { usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { PASSWORD_HELP, ledgerCall, unlockWallet } from './wallet';

/** "3", "latest" or a version id (`ver_…`). */
function versionRef(raw: string): number | string {
  if (/^\d+$/.test(raw) && Number(raw) > 0) return Number(raw);
  if (raw === 'latest' || raw.startsWith('ver_')) return raw;
  throw usageError(`--version ${raw}: give a number (1, 2…), "latest" or a version id (ver_…)`);
}

/** Item ids, one a line; blank lines and lines starting with # are skipped, spaces around ids trimmed. */
export function readItemIds(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`--items ${file}: ${(error as Error).message}`);
  }
  const ids = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (ids.length === 0) throw usageError(`--items ${file}: the file names no items (one item id a line)`);
  return ids;
}

/**
 * The program's own -V/--version is recognised anywhere on the line, so `studio contribute NAME
 * --version 2` would print the app's version: after `contribute`, --version means the datanet's.
 */
export function contributeArgv(argv: readonly string[]): string[] {
  // The subcommand is the first word that is neither a global flag nor --data-dir's value.
  const at = argv.findIndex((a, i) => !a.startsWith('-') && argv[i - 1] !== '--data-dir');
  if (at < 0 || argv[at] !== 'contribute') return [...argv];
  return argv.map((a, i) => (i > at && a === '--version' ? '--datanet-version' : i > at && a.startsWith('--version=') ? `--datanet-version=${a.slice(10)}` : a));
}

export function registerContributeCommand(program: Command): void {
  program
    .command('contribute <datanet>')
    .description('sign a contribution record for a version of a datanet (stored at once, online or not; `studio sync` anchors it)')
    .option('--datanet-version <version>', 'the version: number, id or "latest" (also written --version V)', 'latest')
    .option('--items <file>', 'contribute only these items of the version: a file of item ids (it_…), one a line')
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (datanet: string, flags: { datanetVersion: string; items?: string; passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const version = versionRef(flags.datanetVersion);
      const items = flags.items === undefined ? undefined : readItemIds(flags.items);
      const contribution = await withBackend(globals, async (b) => {
        await unlockWallet(b, flags);
        return ledgerCall(b, 'contributions.create', { datanet, version, ...(items && { items }) });
      });
      if (globals.json) printJson(contribution);
      else process.stdout.write(`Signed record ${contribution.recordId} (${contribution.itemCount} items, ${contribution.license}) by ${contribution.contributor}; \`studio sync\` anchors it.\n`);
    });
}
