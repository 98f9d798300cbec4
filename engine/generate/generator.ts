/**
 * Text generation for one model folder: sessions, adapters, options, streaming.
 *
 * ```ts
 * const gen = await Generator.open(modelDir, { threads: 2 });
 * const ids = gen.tokenizer.encode('Once upon a time');
 * const { text } = await gen.generate(ids, { maxTokens: 64, doSample: true, temperature: 0.8, seed: 1 });
 * for await (const { tokenId, text } of gen.stream(ids, { adapter })) process.stdout.write(text);
 * ```
 *
 * Sessions: one ONNX Runtime session per LoRA shape (modules and rank), built on first use and
 * kept. The LoRA tensors are session inputs, so another adapter, or none, reuses a session that
 * can hold it: an adapter of rank ≤ the session's, on a subset of its modules, is zero-padded with
 * its α/r folded into B (lora-slots.ts). The base model reuses whichever session exists (all LoRA
 * inputs zero) and builds a LoRA-free one only when there is none. An adapter that fits no session
 * builds one of its own shape; `open`'s `lora` option builds a roomy one up front.
 */
import type * as ort from 'onnxruntime-node';
import { loraSettings, type LoraAdapter, type LoraSettingsInput } from '../lora-io/adapter';
import { selectModules } from '../lora-io/modules';
import { loadModelConfig, type ModelConfig } from '../models/config';
import { loadTokenizer } from '../tokenize/load';
import type { Tokenizer } from '../tokenize/tokenizer';
import { decodeBatch, type Generation, type TokenEvent } from './decode-loop';
import { DecodeSession, type SessionSettings } from './decode-session';
import { adapterShape, BASE_SHAPE, checkAdapter, misfit, shapeKey, slotFeeds, type LoraShape } from './lora-slots';
import { readGenerationDefaults, resolveOptions, type GenerateOptions, type GenerationDefaults } from './options';

export interface GeneratorOptions extends SessionSettings {
  /**
   * Build the first session with room for adapters of this rank on these targets (PEFT's target
   * names, 'default' or 'all-linear'), so that loading such adapters never builds another.
   */
  lora?: { r: number; targets?: LoraSettingsInput['targets'] };
}

export type StreamEvent = Omit<TokenEvent, 'row'>;

interface Slot {
  session: DecodeSession;
  /** The feeds of the adapter used last (switching back and forth re-pads; the same adapter does not). */
  last?: { adapter: LoraAdapter | null; feeds: Record<string, ort.Tensor> };
}

export class Generator {
  private readonly slots = new Map<string, Promise<Slot>>();
  private created = 0;

  private constructor(
    readonly modelDir: string,
    readonly config: ModelConfig,
    readonly tokenizer: Tokenizer,
    /** generation_config.json over transformers' defaults; a call's options override them. */
    readonly defaults: GenerationDefaults,
    private readonly settings: SessionSettings,
  ) {}

  static async open(modelDir: string, options: GeneratorOptions = {}): Promise<Generator> {
    const config = loadModelConfig(modelDir);
    const tokenizer = await loadTokenizer(modelDir);
    const generator = new Generator(modelDir, config, tokenizer, readGenerationDefaults(modelDir, config), { ...(options.threads ? { threads: options.threads } : {}), ...(options.spinWait !== undefined ? { spinWait: options.spinWait } : {}) });
    if (options.lora) {
      const settings = loraSettings(config.modelType, { r: options.lora.r, targets: options.lora.targets });
      const modules = selectModules(config, settings.targetModules).map((m) => m.module).sort();
      await generator.slot({ modules, r: settings.r });
    }
    return generator;
  }

  /** Sessions built so far (each builds the graph and loads the weights into ONNX Runtime). */
  get sessionsCreated(): number {
    return this.created;
  }

  /** Generates for one prompt (token ids) and returns the result. */
  async generate(prompt: readonly number[], options: GenerateOptions = {}): Promise<Generation> {
    const it = this.stream(prompt, options);
    for (;;) {
      const step = await it.next();
      if (step.done) return step.value;
    }
  }

  /**
   * Generates for several prompts at once (left-padded into one batch); each row gives what it
   * would alone, and sampling draws row after row from the one seeded PRNG.
   */
  async generateBatch(prompts: readonly (readonly number[])[], options: GenerateOptions = {}): Promise<Generation[]> {
    const it = await this.run(prompts, options);
    for (;;) {
      const step = await it.next();
      if (step.done) return step.value;
    }
  }

  /** Streams one prompt's tokens and text deltas as they are generated; the return value is the result. */
  async *stream(prompt: readonly number[], options: GenerateOptions = {}): AsyncGenerator<StreamEvent, Generation> {
    const it = await this.run([prompt], options);
    for (;;) {
      const step = await it.next();
      if (step.done) return step.value[0]!;
      yield { tokenId: step.value.tokenId, text: step.value.text };
    }
  }

  async close(): Promise<void> {
    const slots = await Promise.allSettled([...this.slots.values()]);
    this.slots.clear();
    await Promise.all(slots.flatMap((s) => (s.status === 'fulfilled' ? [s.value.session.release()] : [])));
  }

  private async run(prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<AsyncGenerator<TokenEvent, Generation[]>> {
    const resolved = resolveOptions(options, this.defaults, this.config.vocabSize);
    const adapter = options.adapter ?? null;
    if (adapter) checkAdapter(adapter, this.config, 'generate');
    const slot = await this.slotFor(adapter);
    if (!slot.last || slot.last.adapter !== adapter) slot.last = { adapter, feeds: slotFeeds(slot.session.lora, slot.session.shape, adapter) };
    const tk = this.tokenizer;
    return decodeBatch({
      session: slot.session,
      lora: slot.last.feeds,
      prompts,
      options: resolved,
      tokenizer: tk,
      padId: tk.pad?.id ?? tk.eos?.id ?? 0,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** A session that holds the adapter: an existing one if any fits, else a new one of its shape. */
  private async slotFor(adapter: LoraAdapter | null): Promise<Slot> {
    const existing = await Promise.all(this.slots.values());
    // The base model prefers a LoRA-free session, then any session with zero LoRA inputs.
    const fit = (adapter ? undefined : existing.find((s) => s.session.shape.modules.length === 0)) ?? existing.find((s) => misfit(s.session.shape, adapter) === null);
    return fit ?? this.slot(adapter ? adapterShape(adapter) : BASE_SHAPE);
  }

  private slot(shape: LoraShape): Promise<Slot> {
    const key = shapeKey(shape);
    let slot = this.slots.get(key);
    if (!slot) {
      this.created++;
      slot = DecodeSession.create(this.modelDir, this.config, shape, this.settings).then((session) => ({ session }));
      // A failed build is not cached: the next call tries again and reports its own error.
      slot.catch(() => this.slots.delete(key));
      this.slots.set(key, slot);
    }
    return slot;
  }
}
