import path from 'node:path';
import type { Command } from 'commander';
import { counted } from '../../../shared/format';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { waitForJob } from '../wait-job';

function parseMap(pairs: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([^=]+)=(.+)$/.exec(pair);
    if (!m) throw usageError(`--map ${pair}: must be FIELD=COLUMN, e.g. --map text=review_body`);
    map[m[1]!.trim()] = m[2]!.trim();
  }
  return map;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import <datanet> [paths...]')
    .description('import files and folders into a datanet (text, markdown, JSONL, CSV/TSV, images, Label Studio JSON, Hugging Face JSONL)')
    .option('--format <format>', 'auto|text|jsonl|csv|images|labelstudio|hf', 'auto')
    .option('--map <field=column...>', 'take an item field from a key or column: --map text=body --map sentiment=label', [])
    .option('--max-line-bytes <n>', 'longest line or record accepted (default 10 MB)')
    .option('--resume <import-id>', 'resume an interrupted, cancelled or failed import instead of starting one')
    .action(async (datanet: string, paths: string[], flags: { format: string; map: string[]; maxLineBytes?: string; resume?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      if (!flags.resume && paths.length === 0) throw usageError('give at least one file or folder to import (or --resume IMPORT_ID)');
      const maxLineBytes = flags.maxLineBytes === undefined ? undefined : Number(flags.maxLineBytes);
      const { record, job, errors } = await withBackend(globals, async (b) => {
        const started = flags.resume
          ? await apiCall(b, 'imports.resume', { import: flags.resume })
          : await apiCall(b, 'imports.start', {
              datanet,
              // The API takes full paths; these are the shell's, relative to where the command runs.
              paths: paths.map((p) => path.resolve(p)),
              format: flags.format as 'auto',
              map: parseMap(flags.map),
              ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
            });
        const job = await waitForJob(b, started.job.id);
        return { record: b.datanets.imports.get(started.import.id), job, errors: await apiCall(b, 'imports.errors', { import: started.import.id, limit: 1000 }) };
      });
      if (globals.json) printJson({ import: record, job, errors });
      else {
        for (const e of errors) process.stderr.write(`${e.path}${e.line ? `:${e.line}` : ''}: ${e.reason}\n`);
        process.stdout.write(`${record.id}: ${counted(record.itemsAdded, 'item')} added, ${record.itemsDuplicate.toLocaleString('en-US')} already there, ${counted(record.errors, 'problem')} (${record.state}).\n`);
      }
      if (job.state === 'failed') throw new CliError(`import failed: ${job.error} (resume with: studio import ${datanet} --resume ${record.id})`);
      if (job.state === 'cancelled' || job.state === 'interrupted') throw new CliError(`import ${job.state} (resume with: studio import ${datanet} --resume ${record.id})`);
    });
}
