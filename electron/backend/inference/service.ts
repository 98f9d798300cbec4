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

  async generate(input: Input, signal?: AbortSignal): Promise<GenerateResult> {
    const generator = await this.generator(input.model);
    const adapter = input.adapter ? await this.adapter(input.adapter, input.model) : null;
    const tk = generator.tokenizer;
    const ids =
      input.format === 'raw'
        ? tk.encode(input.prompt)
        : promptTokens(tk, { kind: 'instruction', id: 'prompt', prompt: input.prompt, ...(input.system ? { system: input.system } : {}), response: '' }).ids;
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
    for (;;) {
      const step = await stream.next();
      if (step.done) {
        const g = step.value;
        const seconds = first ? (performance.now() - first) / 1000 : 0;
        // The first token costs the prompt's forward pass; tokens/s counts the ones after it.
        const rate = g.tokenIds.length > 1 && seconds > 0 ? (g.tokenIds.length - 1) / seconds : 0;
        return { text: g.text, tokens: g.tokenIds.length, promptTokens: g.promptTokens, finishReason: g.finishReason, tokensPerSecond: rate };
      }
      if (!first) first = performance.now();
      if (input.request && step.value.text) this.deps.bus.emit('inference.delta', { request: input.request, text: step.value.text });
    }
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.generators.values()]);
    this.generators.clear();
    await Promise.all(all.flatMap((g) => (g.status === 'fulfilled' ? [g.value.close()] : [])));
  }
}
