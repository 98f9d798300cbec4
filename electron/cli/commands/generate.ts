import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { apiCall, withBackend } from '../backend';
import { numberFlag } from '../flags';
import { globalOptions, printJson } from '../globals';

interface GenerateFlags {
  model: string;
  adapter?: string;
  prompt: string;
  raw?: boolean;
  system?: string;
  maxTokens?: string;
  temperature?: string;
  topK?: string;
  topP?: string;
  repetitionPenalty?: string;
  stop?: string[];
  seed?: string;
}

/** `studio generate`: text from a base model and, optionally, an adapter, streamed to the terminal. */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('generate text with a base model (and an adapter), streamed as it is written')
    .requiredOption('--model <name>', 'installed base model')
    .option('--adapter <name>', 'installed adapter of that model')
    .requiredOption('--prompt <text>', 'the instruction (or, with --raw, the text to continue)')
    .option('--raw', 'continue the text as is instead of formatting it as an instruction')
    .option('--system <text>', 'a system message, for instruction prompts')
    .option('--max-tokens <n>', 'new tokens at most')
    .option('--temperature <t>', '0 is greedy; above 0 samples')
    .option('--top-k <k>', 'sample among the k most likely tokens (0: all)')
    .option('--top-p <p>', 'sample among the most likely tokens whose probability reaches p')
    .option('--repetition-penalty <x>', 'above 1 discourages repeating tokens')
    .option('--stop <text...>', 'stop when the text contains one of these')
    .option('--seed <s>', 'makes sampling repeatable')
    .action(async (flags: GenerateFlags, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const request = randomUUID();
      const input = {
        model: flags.model,
        prompt: flags.prompt,
        format: flags.raw ? ('raw' as const) : ('instruction' as const),
        request,
        ...(flags.adapter ? { adapter: flags.adapter } : {}),
        ...(flags.system ? { system: flags.system } : {}),
        ...(flags.stop ? { stop: flags.stop } : {}),
        ...Object.fromEntries(
          (
            [
              ['maxTokens', numberFlag('max-tokens', flags.maxTokens)],
              ['temperature', numberFlag('temperature', flags.temperature)],
              ['topK', numberFlag('top-k', flags.topK)],
              ['topP', numberFlag('top-p', flags.topP)],
              ['repetitionPenalty', numberFlag('repetition-penalty', flags.repetitionPenalty)],
              ['seed', numberFlag('seed', flags.seed)],
            ] as const
          ).filter(([, v]) => v !== undefined),
        ),
      };
      const result = await withBackend(globals, async (b) => {
        // Text streams as it is generated, unless the output is one JSON document.
        const off = globals.json ? () => {} : b.events.subscribe((name, payload) => {
          const delta = payload as { request: string; text: string };
          if (name === 'inference.delta' && delta.request === request) process.stdout.write(delta.text);
        });
        try {
          return await apiCall(b, 'inference.generate', input);
        } finally {
          off();
        }
      });
      if (globals.json) printJson(result);
      else process.stderr.write(`\n[${result.tokens} tokens, ${result.tokensPerSecond.toFixed(1)} tokens/s, ${result.finishReason}]\n`);
    });
}
