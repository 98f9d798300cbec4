import path from 'node:path';
import type { Command } from 'commander';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { waitForJob } from '../wait-job';

const FORMATS = ['jsonl', 'csv', 'labelstudio', 'hf'] as const;

export function registerExportCommand(program: Command): void {
  program
    .command('export <datanet>')
    .description('export items and their current labels')
    .requiredOption('--format <format>', 'jsonl|csv|labelstudio|hf')
    .requiredOption('--out <path>', 'file to write (jsonl, csv, labelstudio) or folder (hf)')
    .option('--test-fraction <f>', 'hf: share of items in data/test.jsonl (0 to 0.9)', '0')
    .action(async (datanet: string, flags: { format: string; out: string; testFraction: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const format = FORMATS.find((f) => f === flags.format);
      if (!format) throw usageError(`--format ${flags.format}: must be one of ${FORMATS.join(', ')}`);
      const testFraction = Number(flags.testFraction);
      // Relative to where the command runs; the API takes only absolute paths.
      const job = await withBackend(globals, async (b) =>
        waitForJob(b, (await apiCall(b, 'exports.start', { datanet, format, out: path.resolve(flags.out), testFraction })).id),
      );
      if (job.state !== 'succeeded') throw new CliError(`export ${job.state}${job.state === 'failed' ? `: ${job.error}` : ''}`);
      if (globals.json) printJson({ job, result: job.result });
      else process.stdout.write(`Exported ${job.result ?? ''}\n`);
    });
}
