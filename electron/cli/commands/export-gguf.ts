import path from 'node:path';
import fs from 'node:fs';
import type { Command } from 'commander';
import { formatBytes } from '../../../shared/format';
import { GgufType } from '../../../shared/api/schemas/models';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { waitForJob } from '../wait-job';

interface Flags {
  model: string;
  adapter?: string;
  merge?: boolean;
  type: string;
  out: string;
}

/** `studio export-gguf`: an installed model, or one of its adapters (merged or alone), as a GGUF file for llama.cpp, Ollama and LM Studio. */
export function registerExportGgufCommand(program: Command): void {
  program
    .command('export-gguf')
    .description('write a model, a model with an adapter merged, or an adapter alone (a GGUF LoRA) as a GGUF file for llama.cpp, Ollama, LM Studio')
    .requiredOption('--model <name>', 'the installed base model')
    .option('--adapter <name>', 'an installed adapter of that model: merged with --merge, else written alone as a LoRA')
    .option('--merge', 'merge the adapter into the model (one file, no LoRA to apply)')
    .option('--type <type>', `tensor type: ${GgufType.options.join('|')}`, 'f16')
    .requiredOption('--out <file>', 'the .gguf file to write (must not exist)')
    .action(async (flags: Flags, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const type = GgufType.options.find((t) => t === flags.type);
      if (!type) throw usageError(`--type ${flags.type}: must be one of ${GgufType.options.join(', ')}`);
      if (flags.merge && flags.adapter === undefined) throw usageError('--merge needs --adapter');
      const input = { model: flags.model, type, path: path.resolve(flags.out), merge: flags.merge ?? false, ...(flags.adapter !== undefined ? { adapter: flags.adapter } : {}) };
      const job = await withBackend(globals, async (b) => waitForJob(b, (await apiCall(b, 'models.exportGguf', input)).id));
      if (job.state !== 'succeeded') throw new CliError(`GGUF export ${job.state}${job.state === 'failed' ? `: ${job.error}` : ''}`);
      const file = job.result ?? flags.out;
      if (globals.json) printJson({ job, result: file });
      else process.stdout.write(`Wrote ${file} (${formatBytes(fs.statSync(file).size)})\n`);
    });
}
