import type { Command } from 'commander';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { numberFlag } from '../flags';
import { globalOptions, printJson } from '../globals';
import { waitForJob } from '../wait-job';

/** "3" or "latest". */
function versionFlag(raw: string | undefined): number | 'latest' {
  if (raw === undefined || raw === 'latest') return 'latest';
  if (/^\d+$/.test(raw)) return Number(raw);
  throw usageError(`--version ${raw}: give a version number (1, 2…) or "latest"`);
}

const targetsFlag = (raw: string | undefined) => (raw === undefined ? undefined : raw === 'default' || raw === 'all-linear' ? raw : raw.split(',').map((t) => t.trim()).filter(Boolean));

interface TrainFlags {
  model: string;
  datanet: string;
  version?: string;
  field?: string;
  out: string;
  steps?: string;
  epochs?: string;
  lr?: string;
  warmup?: string;
  rank?: string;
  alpha?: string;
  dropout?: string;
  targets?: string;
  batch?: string;
  gradAccum?: string;
  maxLen?: string;
  packing?: boolean;
  seed?: string;
  evalFraction?: string;
  evalEvery?: string;
  checkpointEvery?: string;
  provider?: string;
  threads?: string;
}

const defined = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** `studio train` and `studio eval`: LoRA fine-tuning on a datanet version, and its loss. */
export function registerTrainCommands(program: Command): void {
  program
    .command('train')
    .description('fine-tune a LoRA adapter of a base model on a datanet version (running the same command again resumes an interrupted run)')
    .requiredOption('--model <name>', 'installed base model (studio model list)')
    .requiredOption('--datanet <name>', 'datanet name or id')
    .option('--version <n>', 'version number or "latest"', 'latest')
    .option('--field <name>', 'schema field to learn, or $text for the items\u2019 text (default: the only usable one)')
    .requiredOption('--out <name>', "the adapter's name")
    .option('--steps <n>', 'optimizer steps (default: one epoch)')
    .option('--epochs <n>', 'passes over the data, when --steps is not given')
    .option('--lr <x>', 'peak learning rate', '2e-4')
    .option('--warmup <n>', 'warmup steps')
    .option('--rank <r>', 'LoRA rank', '8')
    .option('--alpha <a>', 'LoRA alpha (default 2 × rank)')
    .option('--dropout <p>', 'LoRA dropout')
    .option('--targets <list>', 'modules to adapt: default (attention query, value), all-linear, or names (q_proj,v_proj)')
    .option('--batch <b>', 'rows per micro-batch', '1')
    .option('--grad-accum <n>', 'micro-batches per optimizer step')
    .option('--max-len <l>', 'tokens per row (longer examples are truncated)', '512')
    .option('--packing', 'pack several short examples into a row')
    .option('--seed <s>', 'one seed for init, data order, split and dropout', '42')
    .option('--eval-fraction <f>', 'share held out for the eval loss')
    .option('--eval-every <n>', 'evaluate every n steps (and at the end)')
    .option('--checkpoint-every <n>', 'checkpoint every n steps')
    .option('--provider <p>', 'cpu, webgpu, cuda, dml, coreml or auto (studio doctor lists what works)')
    .option('--threads <n>', 'CPU threads for ONNX Runtime (default: physical cores)')
    .action(async (flags: TrainFlags, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const input = defined({
        model: flags.model,
        datanet: flags.datanet,
        version: versionFlag(flags.version),
        field: flags.field,
        out: flags.out,
        steps: numberFlag('steps', flags.steps),
        epochs: numberFlag('epochs', flags.epochs),
        lr: numberFlag('lr', flags.lr),
        warmup: numberFlag('warmup', flags.warmup),
        rank: numberFlag('rank', flags.rank),
        alpha: numberFlag('alpha', flags.alpha),
        dropout: numberFlag('dropout', flags.dropout),
        targets: targetsFlag(flags.targets),
        batch: numberFlag('batch', flags.batch),
        gradAccum: numberFlag('grad-accum', flags.gradAccum),
        maxLen: numberFlag('max-len', flags.maxLen),
        packing: flags.packing,
        seed: numberFlag('seed', flags.seed),
        evalFraction: numberFlag('eval-fraction', flags.evalFraction),
        evalEvery: numberFlag('eval-every', flags.evalEvery),
        checkpointEvery: numberFlag('checkpoint-every', flags.checkpointEvery),
        provider: flags.provider,
        threads: numberFlag('threads', flags.threads),
      });
      const outcome = await withBackend(globals, async (b) => {
        // The router checks every value and names the one that is wrong.
        const job = await waitForJob(b, (await apiCall(b, 'training.start', input as Parameters<typeof apiCall<'training.start'>>[2])).id);
        if (job.state !== 'succeeded') throw new CliError(`training ${job.state}${job.state === 'failed' ? `: ${job.error}` : job.state === 'cancelled' ? ' (run the same command again to resume)' : ''}`);
        return { job, adapter: await apiCall(b, 'adapters.list', {}).then((l) => l.find((a) => a.name === flags.out)) };
      });
      if (globals.json) printJson(outcome);
      else process.stdout.write(`${outcome.job.result}\n`);
    });

  program
    .command('eval')
    .description("a model's (and adapter's) loss and perplexity on a datanet version")
    .requiredOption('--model <name>', 'installed base model')
    .option('--adapter <name>', 'installed adapter of that model (default: the base alone)')
    .requiredOption('--datanet <name>', 'datanet name or id')
    .option('--version <n>', 'version number or "latest"', 'latest')
    .option('--field <name>', 'schema field, or $text')
    .option('--max-len <l>', 'tokens per example (longer ones are truncated)', '512')
    .option('--batch <b>', 'examples per batch', '4')
    .option('--provider <p>', 'cpu, webgpu, cuda, dml, coreml or auto')
    .action(async (flags: { model: string; adapter?: string; datanet: string; version?: string; field?: string; maxLen?: string; batch?: string; provider?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const input = defined({
        model: flags.model,
        adapter: flags.adapter,
        datanet: flags.datanet,
        version: versionFlag(flags.version),
        field: flags.field,
        maxLen: numberFlag('max-len', flags.maxLen),
        batch: numberFlag('batch', flags.batch),
        provider: flags.provider,
      });
      const result = await withBackend(globals, (b) => apiCall(b, 'training.eval', input as Parameters<typeof apiCall<'training.eval'>>[2]));
      if (globals.json) printJson(result);
      else process.stdout.write(`loss ${result.loss.toFixed(4)}  perplexity ${result.perplexity.toFixed(2)}  (${result.examples} examples, ${result.tokens} tokens, v${result.version} ${result.field})\n`);
    });
}
