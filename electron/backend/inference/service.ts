import fs from 'node:fs';
import type { GenerateResult } from '../../../shared/api/schemas/inference';
import type { ParsedInput } from '../../../shared/api/contract';
import { promptTokens } from '../../../engine/data/index';
import { Generator } from '../../../engine/generate/index';
import type { LoraAdapter } from '../../../engine/lora-io/adapter';
import { conflict } from '../../../shared/api/errors';
import type { EventBus } from '../events';
import { loadAdapterFor } from '../models/adapters';
import type { ModelsService } from '../models/service';

type Input = ParsedInput<'inference.generate'>;

/** The abort reason inference.cancel gives, told apart from a caller's own signal. */
const CANCELLED = new Error('cancelled by inference.cancel');

/**
 * Local inference: one Generator per base model, opened on first use and kept, so switching
 * adapters (or going back to the base) never reloads the base weights; adapters are read once.
 */
export class InferenceService {
  private readonly generators = new Map<string, Promise<Generator>>();
  private readonly adapters = new Map<string, Promise<LoraAdapter>>();

  constructor(private readonly deps: { models: ModelsService; bus: EventBus }) {}

  private generator(model: string): Promise<Generator> {
    let g = this.generators.get(model);
    if (!g) {
      g = Generator.open(this.deps.models.modelDir(model));
      g.catch(() => this.generators.delete(model));
      this.generators.set(model, g);
    }
    return g;
  }

  private adapter(name: string, model: string): Promise<LoraAdapter> {
    const dirs = this.deps.models.adapterDirs(name);
    if (dirs.baseName !== model) throw conflict(`Adapter ${name} belongs to ${dirs.baseName}, not ${model}.`);
    // Keyed by the folder's time too: an adapter removed and trained again under its name is read again.
    const key = `${dirs.adapter}\n${fs.statSync(dirs.adapter).mtimeMs}`;
    let a = this.adapters.get(key);
    if (!a) {
      a = loadAdapterFor(dirs.adapter, dirs.base, 'adapter');
      a.catch(() => this.adapters.delete(key));
      this.adapters.set(key, a);
    }
    return a;
  }

  /** Generations that named themselves with `request`, so inference.cancel can stop them. */
  private readonly running = new Map<string, AbortController>();

  async generate(input: Input, signal?: AbortSignal): Promise<GenerateResult> {
    const request = input.request;
    if (request === undefined) return this.run(input, signal);
    if (this.running.has(request)) throw conflict(`A generation named ${request} is running; name each request uniquely.`);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.running.set(request, controller);
    try {
      return await this.run(input, controller.signal, () => controller.signal.reason === CANCELLED);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.running.delete(request);
    }
  }

  /** Stops the named generation; its generate call returns what it wrote so far. */
  cancel(request: string): { cancelled: boolean } {
    const controller = this.running.get(request);
    if (!controller || controller.signal.aborted) return { cancelled: false };
    controller.abort(CANCELLED);
    return { cancelled: true };
  }

  private async run(input: Input, signal?: AbortSignal, cancelled: () => boolean = () => false): Promise<GenerateResult> {
    const generator = await this.generator(input.model);
    const adapter = input.adapter ? await this.adapter(input.adapter, input.model) : null;
    const { ids, turnsLeftOut } = this.promptIds(generator, input);
    const left = turnsLeftOut === undefined ? {} : { turnsLeftOut };
    const sampling = input.temperature === undefined ? {} : input.temperature === 0 ? { doSample: false } : { doSample: true, temperature: input.temperature };
    const options = {
      adapter,
      ...sampling,
      ...(input.maxTokens !== undefined ? { maxTokens: input.maxTokens } : {}),
      ...(input.topK !== undefined ? { topK: input.topK } : {}),
      ...(input.topP !== undefined ? { topP: input.topP } : {}),
      ...(input.repetitionPenalty !== undefined ? { repetitionPenalty: input.repetitionPenalty } : {}),
      ...(input.stop ? { stop: input.stop } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      ...(signal ? { signal } : {}),
    };
    const stream = generator.stream(ids, options);
    let first = 0;
    let text = '';
    let tokens = 0;
    // The first token costs the prompt's forward pass; tokens/s counts the ones after it.
    const rate = (n: number) => {
      const seconds = first ? (performance.now() - first) / 1000 : 0;
      return n > 1 && seconds > 0 ? (n - 1) / seconds : 0;
    };
    for (;;) {
      let step: Awaited<ReturnType<typeof stream.next>>;
      try {
        step = await stream.next();
      } catch (error) {
        // Stopped on request: what was streamed so far is the answer.
        if (cancelled()) return { text, tokens, promptTokens: ids.length, finishReason: 'cancelled', tokensPerSecond: rate(tokens), ...left };
        throw error;
      }
      if (step.done) {
        const g = step.value;
        return { text: g.text, tokens: g.tokenIds.length, promptTokens: g.promptTokens, finishReason: g.finishReason, tokensPerSecond: rate(g.tokenIds.length), ...left };
      }
      if (!first) first = performance.now();
      if (step.value.tokenId !== null) tokens++;
      text += step.value.text;
      if (input.request && step.value.text) this.deps.bus.emit('inference.delta', { request: input.request, text: step.value.text });
    }
  }

  /**
   * The prompt's ids: raw text, one instruction as training formats it, or a chat's turns through
   * the chat template. A chat keeps its newest turns that fit the model's context with room for the
   * answer; `turnsLeftOut` counts the oldest ones dropped.
   */
  private promptIds(generator: Generator, input: Input): { ids: number[]; turnsLeftOut?: number } {
    const tk = generator.tokenizer;
    const context = generator.config.maxPositions;
    const fits = (ids: number[]) => {
      if (ids.length >= context) throw conflict(`The prompt has ${ids.length} tokens; ${input.model}'s context is ${context}. Shorten it.`);
      return ids;
    };
    if (input.format === 'raw') return { ids: fits(tk.encode(input.prompt)) };
    const single = () => promptTokens(tk, { kind: 'instruction', id: 'prompt', prompt: input.prompt, ...(input.system ? { system: input.system } : {}), response: '' }).ids;
    const history = input.history ?? [];
    if (history.length === 0) return { ids: fits(single()), ...(input.history ? { turnsLeftOut: 0 } : {}) };
    if (!tk.hasChatTemplate) throw conflict(`${input.model} has no chat template, so it cannot follow a conversation; send the message without history.`);
    const room = Math.min(input.maxTokens ?? generator.defaults.maxTokens, Math.floor(context / 4));
    const system = input.system ? [{ role: 'system' as const, content: input.system }] : [];
    // Dropped from the front a turn at a time, then any leading assistant turn, so the chat still opens with the user.
    for (let start = 0; start < history.length; start++) {
      if (history[start]!.role === 'assistant') continue;
      const ids = tk.encodeChat([...system, ...history.slice(start), { role: 'user' as const, content: input.prompt }], { addGenerationPrompt: true });
      if (ids.length + room <= context) return { ids, turnsLeftOut: start };
    }
    return { ids: fits(single()), turnsLeftOut: history.length };
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.generators.values()]);
    this.generators.clear();
    await Promise.all(all.flatMap((g) => (g.status === 'fulfilled' ? [g.value.close()] : [])));
  }
}
