import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { counted, formatBytes } from '../../../shared/format';
import type { Adapter, LanguageModel } from '../../../shared/api/schemas/models';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { attributionMethodArg } from '../flags';
import { globalOptions, printJson } from '../globals';
import { waitForJob } from '../wait-job';
import { PASSWORD_HELP, ledgerCall, unlockWallet } from './wallet';

/** 124M, 1.5B: parameter counts as model cards write them. */
function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

const modelLine = (m: LanguageModel) =>
  `${m.name}  ${m.architecture} ${formatCount(m.parameters)} (${m.layers} layers, width ${m.hidden}, ${m.dtype})${m.chat ? ' chat' : ''}  ${formatBytes(m.bytes)}${m.source ? `  ${m.source}` : ''}`;

const adapterLine = (a: Adapter) => {
  const targets = Array.isArray(a.targets) ? a.targets.join(',') : a.targets;
  const from = a.lineage ? `  from ${a.lineage.datanet} v${a.lineage.version} (${counted(a.lineage.examples, 'example')})` : '';
  return `${a.name}  on ${a.base}  rank ${a.rank}, alpha ${a.alpha}, ${targets}  ${formatCount(a.parameters)} values${from}`;
};

/** `studio model …` and `studio adapter …`: base language models and LoRA adapters, as the Models page lists them. */
export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('base language models (Hugging Face folders: GPT-2, Llama, SmolLM2, Qwen2)');

  model
    .command('import <folder>')
    .description('copy a model folder in (config.json, tokenizer.json, safetensors weights), after checking it loads')
    .option('--name <name>', "install under this name (default: the folder's name)")
    .action(async (folder: string, flags: { name?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const m = await withBackend(globals, async (b) => apiCall(b, 'models.import', { path: path.resolve(folder), ...(flags.name ? { name: flags.name } : {}) }));
      if (globals.json) printJson(m);
      else process.stdout.write(`Installed ${modelLine(m)}\n`);
    });

  model
    .command('download <repo>')
    .description('download a base model (OWNER/NAME) from the Hugging Face hub with a progress bar; resumes an interrupted download, checks checksums (HF_ENDPOINT: a mirror, HF_TOKEN: gated models)')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--name <name>', 'install under this name (default: the repository name)')
    .action(async (repo: string, flags: { revision: string; name?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const input = { repo, revision: flags.revision, ...(flags.name ? { name: flags.name } : {}) };
      const job = await withBackend(globals, async (b) => waitForJob(b, (await apiCall(b, 'models.download', input)).id));
      if (job.state !== 'succeeded') throw new CliError(`download ${job.state}${job.state === 'failed' ? `: ${job.error}` : ''}`);
      if (globals.json) printJson({ job, result: job.result });
      else process.stdout.write(`${job.result}\n`);
    });

  model
    .command('list')
    .description('installed base models')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const models = await withBackend(globals, async (b) => apiCall(b, 'models.list', {}));
      if (globals.json) printJson(models);
      else if (models.length === 0) process.stdout.write('No language model is installed: studio model import FOLDER.\n');
      else process.stdout.write(models.map(modelLine).join('\n') + '\n');
    });

  model
    .command('remove <name>')
    .description('delete an installed base model (refused while adapters are trained on it)')
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const left = await withBackend(globals, async (b) => apiCall(b, 'models.remove', { name }));
      if (globals.json) printJson(left);
      else process.stdout.write(`Removed ${name}.\n`);
    });

  const adapter = program.command('adapter').description('LoRA adapters (PEFT folders) for the installed base models');

  adapter
    .command('list')
    .description('installed adapters, with their base model and what they were trained on')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const adapters = await withBackend(globals, async (b) => apiCall(b, 'adapters.list', {}));
      if (globals.json) printJson(adapters);
      else if (adapters.length === 0) process.stdout.write('No adapter is installed: studio train …, or studio adapter import FOLDER --base MODEL.\n');
      else process.stdout.write(adapters.map(adapterLine).join('\n') + '\n');
    });

  adapter
    .command('import <folder>')
    .description('copy a PEFT adapter folder in for an installed base model, after checking it fits')
    .requiredOption('--base <model>', 'the installed base model it adapts')
    .option('--name <name>', "install under this name (default: the folder's name)")
    .action(async (folder: string, flags: { base: string; name?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const a = await withBackend(globals, async (b) => apiCall(b, 'adapters.import', { path: path.resolve(folder), base: flags.base, ...(flags.name ? { name: flags.name } : {}) }));
      if (globals.json) printJson(a);
      else process.stdout.write(`Installed ${adapterLine(a)}\n`);
    });

  adapter
    .command('export <name> <folder>')
    .description('write the adapter as a PEFT folder (loads in PEFT, vLLM, llama.cpp’s converter)')
    .action(async (name: string, folder: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const out = await withBackend(globals, async (b) => apiCall(b, 'adapters.export', { name, path: path.resolve(folder) }));
      if (globals.json) printJson(out);
      else process.stdout.write(`Wrote ${out.files.join(', ')} to ${out.path}\n`);
    });

  adapter
    .command('register <name>')
    .description("register the adapter on the network's ModelRegistry with its training manifest (the contribution records it was trained on, weighted by tokens), from the wallet")
    .option('--owner-share <bps>', "the owner's part of every fee in basis points, fixed on chain; the rest goes to the contributors", '2000')
    .option('--uri <uri>', 'where the adapter and its manifest can be fetched (kept on chain)', '')
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (name: string, flags: { ownerShare: string; uri: string; passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const bps = Number(flags.ownerShare);
      if (!/^\d+$/.test(flags.ownerShare) || bps > 10_000) throw usageError(`--owner-share ${flags.ownerShare}: must be basis points, a whole number from 0 to 10000 (2000 = 20%)`);
      const { registration: r, manifest: m } = await withBackend(globals, async (b) => {
        await unlockWallet(b, flags);
        return ledgerCall(b, 'models.register', { adapter: name, ownerShareBps: bps, uri: flags.uri });
      });
      if (globals.json) printJson({ registration: r, manifest: m });
      else {
        process.stdout.write(
          `Registered ${name} on chain ${r.chainId} (ModelRegistry ${r.modelRegistry})${r.txHash ? ` in tx ${r.txHash}, block ${r.blockNumber}` : ''}\n` +
            `  adapter hash   ${r.adapterHash}\n  base model id  ${r.baseModelId}\n  manifest root  ${r.manifestRoot}\n` +
            `  ${counted(m.entries.length, 'contribution record')}, ${counted(m.weightSum, 'token')} of weight; the owner ${r.owner} keeps ${r.ownerShareBps / 100}% of each fee\n` +
            `Export the manifest with: studio adapter manifest ${name} --out FILE\n`,
        );
      }
    });

  adapter
    .command('manifest <name>')
    .description('the training manifest (JSON): the registered one, or the one registering would send; verify it with studio verify FILE')
    .option('--out <file>', 'write it to this new file (default: print it)')
    .action(async (name: string, flags: { out?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      if (flags.out && fs.existsSync(flags.out)) throw usageError(`--out ${flags.out}: the file exists; give a new file`);
      const { manifest, registration } = await withBackend(globals, (b) => ledgerCall(b, 'models.manifest', { adapter: name }));
      const text = `${JSON.stringify(manifest, null, 2)}\n`;
      if (!flags.out) {
        process.stdout.write(text);
        return;
      }
      fs.writeFileSync(flags.out, text, { flag: 'wx' });
      const where = registration ? `registered on chain ${registration.chainId}` : 'not registered yet';
      if (globals.json) printJson({ file: path.resolve(flags.out), root: manifest.root, registered: registration !== null });
      else process.stdout.write(`Wrote the manifest of ${name} (${manifest.entries.length} record(s), root ${manifest.root}, ${where}) to ${path.resolve(flags.out)}\n`);
    });

  adapter
    .command('merge <name>')
    .description('merge the adapter into its base model and install the result as a new base model')
    .requiredOption('--name <model>', "the merged model's name")
    .action(async (name: string, flags: { name: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const m = await withBackend(globals, async (b) => apiCall(b, 'adapters.merge', { adapter: name, name: flags.name }));
      if (globals.json) printJson(m);
      else process.stdout.write(`Installed ${modelLine(m)}\n`);
    });

  adapter
    .command('attribution-method <name> <method>')
    .description("how the adapter's answers are attributed when studio attribute names no --method: spans or influence")
    .action(async (name: string, method: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const chosen = attributionMethodArg('method', method);
      const a = await withBackend(globals, async (b) => apiCall(b, 'adapters.setAttributionMethod', { name, method: chosen }));
      if (globals.json) printJson(a);
      else process.stdout.write(`${a.name}'s answers are attributed by ${a.attributionMethod}.\n`);
    });

  adapter
    .command('remove <name>')
    .description('delete an installed adapter')
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const left = await withBackend(globals, async (b) => apiCall(b, 'adapters.remove', { name }));
      if (globals.json) printJson(left);
      else process.stdout.write(`Removed ${name}.\n`);
    });
}
