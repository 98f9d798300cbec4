import path from 'node:path';
import type { Command } from 'commander';
import { formatBytes } from '../../../shared/format';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson, type GlobalOptions } from '../globals';
import { waitForJob } from '../wait-job';
import type { Job } from '../../../shared/api/schemas/jobs';

function jobOutcome(what: string, job: Job, globals: GlobalOptions): void {
  if (job.state !== 'succeeded') throw new CliError(`${what} ${job.state}${job.state === 'failed' ? `: ${job.error}` : ''}`);
  if (globals.json) printJson({ job, result: job.result });
  else process.stdout.write(`${job.result ?? `${what} done`}\n`);
}

/** `studio assist …`: local embedding models and what they answer, as the Settings → Assist section offers. */
export function registerAssistCommands(program: Command): void {
  const assist = program.command('assist').description('local embedding models: label suggestions, near-duplicates, semantic search');

  assist
    .command('models')
    .description('installed embedding models (the one in use is marked *)')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const models = await withBackend(globals, async (b) => apiCall(b, 'assist.models.list', {}));
      if (globals.json) printJson(models);
      else if (models.length === 0) process.stdout.write('No embedding model is installed: studio assist import FOLDER, or studio assist download OWNER/NAME.\n');
      else process.stdout.write(models.map((m) => `${m.active ? '*' : ' '} ${m.name}  ${formatBytes(m.bytes)}${m.source ? `  ${m.source}` : ''}`).join('\n') + '\n');
    });

  assist
    .command('import <folder>')
    .description('copy a model folder in (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx), after checking it loads')
    .option('--name <name>', 'install under this name (default: the folder name)')
    .action(async (folder: string, flags: { name?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const model = await withBackend(globals, async (b) => apiCall(b, 'assist.models.import', { path: path.resolve(folder), ...(flags.name ? { name: flags.name } : {}) }));
      if (globals.json) printJson(model);
      else process.stdout.write(`Installed ${model.name} (${formatBytes(model.bytes)})${model.active ? ', in use' : ''}.\n`);
    });

  assist
    .command('download <repo>')
    .description('download a model from the Hugging Face hub (HF_ENDPOINT for a mirror); resumes an interrupted download, checks checksums')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--name <name>', 'install under this name (default: the repository name)')
    .action(async (repo: string, flags: { revision: string; name?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const input = { repo, revision: flags.revision, ...(flags.name ? { name: flags.name } : {}) };
      const job = await withBackend(globals, async (b) => waitForJob(b, (await apiCall(b, 'assist.models.download', input)).id));
      jobOutcome('download', job, globals);
    });

  assist
    .command('remove <name>')
    .description('delete an installed model and the embeddings computed with it')
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const left = await withBackend(globals, async (b) => apiCall(b, 'assist.models.remove', { name }));
      if (globals.json) printJson(left);
      else process.stdout.write(`Removed ${name}.\n`);
    });

  assist
    .command('embed <datanet>')
    .description("embed the datanet's items the model has not embedded yet (resumable, incremental)")
    .action(async (datanet: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const job = await withBackend(globals, async (b) => waitForJob(b, (await apiCall(b, 'assist.embeddings.compute', { datanet })).id));
      jobOutcome('embedding', job, globals);
    });

  assist
    .command('search <datanet> <query>')
    .description('semantic search: items ranked by similarity of meaning to the query')
    .option('--limit <n>', 'at most this many results', '20')
    .action(async (datanet: string, query: string, flags: { limit: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError(`--limit ${flags.limit}: must be a whole number from 1 to 1000`);
      const result = await withBackend(globals, async (b) => apiCall(b, 'assist.search', { datanet, query, limit }));
      if (globals.json) printJson(result);
      else if (result.items.length === 0) process.stdout.write('No embedded items: run studio assist embed first.\n');
      else {
        const line = (text: string) => text.replace(/\s+/g, ' ').slice(0, 90);
        process.stdout.write(result.items.map(({ item, score }) => `${score.toFixed(3)}  ${item.id}  ${line(item.content.text)}`).join('\n') + '\n');
      }
    });
}
