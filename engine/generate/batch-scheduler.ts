/**
 * Concurrent generation requests for one base model, decoded together: continuous batching over
 * one per-row LoRA decode session, so requests for different adapters (or none) share each
 * forward pass and the base's weights are loaded once.
 *
 * ```ts
 * const scheduler = await BatchScheduler.open(modelDir, { threads: 2, lora: shapeOf(adapters) });
 * const a = scheduler.generate(idsA, { adapter: adapterA, maxTokens: 64 });
 * for await (const { text } of scheduler.stream(idsB, { adapter: adapterB, stop: ['\n'] })) process.stdout.write(text);
 * ```
 *
 * How a batch runs:
 * - An idle scheduler's first request waits `windowMs` for others, so requests arriving together
 *   start together. While a batch runs, requests that arrive join it at the next step boundary:
 *   they are prefilled as a group of their own (left-padded among themselves), choose their first
 *   token, and their caches are joined to the running batch's (kv-batch.ts); from then on every
 *   step feeds one token per row.
 * - Each row has its own adapter (the session's LoRA inputs have a batch axis; row-lora.ts), its
 *   own sampling options, seed (its own PRNG, so a seeded request gives what it gives alone),
 *   stop strings, max tokens and EOS ids, and streams its own tokens.
 * - A row that finishes (or whose caller aborts or stops reading) leaves the batch at the step
 *   boundary: its cache rows are dropped, with any leading positions no remaining row attends to.
 * - At most `maxBatch` rows run at once; the rest wait in arrival order, at most `maxWaiting` of
 *   them (one more is refused with QueueFullError).
 *
 * Sessions: the per-row session holds adapters up to its LoRA shape (modules and rank); `open`'s
 * `lora` sizes it up front (for a server, the union of the adapters it serves), so no adapter
 * that fits builds anything. An adapter that does not fit starts building a wider session; the
 * running batch drains (no new rows join it), then the wider one replaces it. That is the only
 * time the base's weights are loaded again.
 */
import type * as ort from 'onnxruntime-node';
import type { LoraAdapter } from '../lora-io/adapter';
import { loadModelConfig, type ModelConfig } from '../models/config';
import { loadTokenizer } from '../tokenize/load';
import type { Tokenizer } from '../tokenize/tokenizer';
import { Prng } from '../train/prng';
import { Channel } from './channel';
import { DecodeSession, type KvState, type SessionSettings } from './decode-session';
import { joinRows, selectRows } from './kv-batch';
import { adapterShape, BASE_SHAPE, checkAdapter, holdsShape, widerShape, type LoraShape } from './lora-slots';
import { readGenerationDefaults, resolveOptions, type GenerateOptions, type GenerationDefaults, type ResolvedOptions } from './options';
import { RowLoraFeeds } from './row-lora';
import { checkPrompt, RowState, type Generation, type RowEvent } from './row-state';

export interface SchedulerOptions extends SessionSettings {
  /** How long an idle scheduler's first request waits for others to start with it, in ms. Default 2. */
  windowMs?: number;
  /** Rows decoded together at most. Default 16. */
  maxBatch?: number;
  /** Requests waiting for a row at most; one more is refused (QueueFullError). Default 256. */
  maxWaiting?: number;
  /** LoRA room up front (module names and rank), so adapters within it never build a session. */
  lora?: LoraShape;
}

/** One forward pass, as `onForward` reports it (tests and counters). */
export interface ForwardPass {
  kind: 'prefill' | 'step';
  /** Each row's adapter (null: the base model), in batch order. */
  adapters: (LoraAdapter | null)[];
  /** Positions fed per row: the longest prompt of the group for a prefill, 1 for a step. */
  tokens: number;
}

export interface SchedulerStats {
  /** Per-row sessions built (each loads the base's weights). */
  sessionsCreated: number;
  prefills: number;
  steps: number;
  /** The most rows one forward pass held. */
  largestBatch: number;
  /** Requests decoding now, and waiting for a row. */
  active: number;
  waiting: number;
}

/** Refused because `maxWaiting` requests are already waiting. */
export class QueueFullError extends Error {
  constructor(waiting: number) {
    super(`generate: ${waiting} requests are already waiting; try again when some have finished`);
    this.name = 'QueueFullError';
  }
}

type Out = Channel<RowEvent, Generation>;

interface Request {
  prompt: readonly number[];
  options: ResolvedOptions;
  adapter: LoraAdapter | null;
  signal: AbortSignal | undefined;
  channel: Out;
  /** The caller stopped reading: drop the row. */
  abandoned: boolean;
}

interface Row {
  req: Request;
  state: RowState;
  rng: Prng;
  /** The token to feed at the next step. */
  token: number;
  /** Attention mask over the batch's cache positions (right-aligned: 0s, then the row's own 1s). */
  mask: number[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class BatchScheduler {
  /** Called before each forward pass with the rows it holds. */
  onForward: ((pass: ForwardPass) => void) | null = null;
  private readonly waiting: Request[] = [];
  private active: Row[] = [];
  private kv: KvState | null = null;
  /** The active rows' LoRA feeds; null when the rows changed since they were made. */
  private rowFeeds: Record<string, ort.Tensor> | null = null;
  private loop: Promise<void> | null = null;
  private wider: { shape: LoraShape; session: Promise<DecodeSession> } | null = null;
  private closed = false;
  private readonly counts = { sessionsCreated: 1, prefills: 0, steps: 0, largestBatch: 0 };
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly maxWaiting: number;

  private constructor(
    readonly modelDir: string,
    readonly config: ModelConfig,
    readonly tokenizer: Tokenizer,
    /** generation_config.json over transformers' defaults; a request's options override them. */
    readonly defaults: GenerationDefaults,
    private readonly settings: SessionSettings,
    private session: DecodeSession,
    private feeds: RowLoraFeeds,
    options: SchedulerOptions,
  ) {
    this.windowMs = options.windowMs ?? 2;
    this.maxBatch = options.maxBatch ?? 16;
    this.maxWaiting = options.maxWaiting ?? 256;
    if (!(this.windowMs >= 0)) throw new Error(`batch scheduler: windowMs must be ≥ 0, got ${options.windowMs}`);
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error(`batch scheduler: maxBatch must be an integer ≥ 1, got ${options.maxBatch}`);
    if (!Number.isInteger(this.maxWaiting) || this.maxWaiting < 1) throw new Error(`batch scheduler: maxWaiting must be an integer ≥ 1, got ${options.maxWaiting}`);
  }

  static async open(modelDir: string, options: SchedulerOptions = {}): Promise<BatchScheduler> {
    const config = loadModelConfig(modelDir);
    const tokenizer = await loadTokenizer(modelDir);
    const settings: SessionSettings = { ...(options.threads ? { threads: options.threads } : {}), ...(options.spinWait !== undefined ? { spinWait: options.spinWait } : {}) };
    const shape = options.lora ?? BASE_SHAPE;
    const session = await DecodeSession.create(modelDir, config, shape, settings, true);
    return new BatchScheduler(modelDir, config, tokenizer, readGenerationDefaults(modelDir, config), settings, session, new RowLoraFeeds(session.lora, shape), options);
  }

  /** The LoRA shape the current session holds. */
  get shape(): LoraShape {
    return this.session.shape;
  }

  stats(): SchedulerStats {
    return { ...this.counts, active: this.active.length, waiting: this.waiting.length };
  }

  /** Generates for one prompt (token ids) among whatever else is running, and returns the result. */
  async generate(prompt: readonly number[], options: GenerateOptions = {}): Promise<Generation> {
    const it = this.stream(prompt, options);
    for (;;) {
      const step = await it.next();
      if (step.done) return step.value;
    }
  }

  /**
   * Queues one prompt and streams its tokens and text deltas; the return value is the result.
   * The request is checked and queued by this call (a bad option or prompt throws here), not at
   * the first read. Stopping reading (break out of for-await) drops the row at the next step.
   */
  stream(prompt: readonly number[], options: GenerateOptions = {}): AsyncGenerator<RowEvent, Generation> {
    if (this.closed) throw new Error('generate: the batch scheduler is closed');
    const resolved = resolveOptions(options, this.defaults, this.config.vocabSize);
    const adapter = options.adapter ?? null;
    if (adapter) checkAdapter(adapter, this.config, 'generate');
    checkPrompt(prompt, 'the prompt', this.config.vocabSize, this.config.maxPositions);
    options.signal?.throwIfAborted();
    if (this.waiting.length >= this.maxWaiting) throw new QueueFullError(this.waiting.length);
    const req: Request = { prompt: [...prompt], options: resolved, adapter, signal: options.signal, channel: new Channel(), abandoned: false };
    if (adapter && !holdsShape(this.wider?.shape ?? this.shape, adapterShape(adapter))) this.widen(adapterShape(adapter));
    this.waiting.push(req);
    // A request still waiting when its signal fires leaves the queue at once.
    req.signal?.addEventListener('abort', () => this.unqueue(req), { once: true });
    this.kick();
    return this.read(req);
  }

  /** Stops taking requests, fails those waiting or running, and releases the sessions. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('generate: the batch scheduler was closed');
    for (const req of this.waiting.splice(0)) req.channel.fail(error);
    await this.loop;
    for (const row of this.active) row.req.channel.fail(error);
    this.active = [];
    this.kv = null;
    const wider = this.wider;
    this.wider = null;
    await this.session.release();
    if (wider) await wider.session.then((s) => s.release(), () => {});
  }

  private async *read(req: Request): AsyncGenerator<RowEvent, Generation> {
    let done = false;
    try {
      const result = yield* req.channel.read();
      done = true;
      return result;
    } finally {
      if (!done) req.abandoned = true;
    }
  }

  private unqueue(req: Request): void {
    const i = this.waiting.indexOf(req);
    if (i < 0) return;
    this.waiting.splice(i, 1);
    req.channel.fail(req.signal!.reason);
  }

  private kick(): void {
    if (this.loop || this.closed) return;
    this.loop = this.run().finally(() => {
      this.loop = null;
      if (this.waiting.length > 0) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (!this.closed && (this.waiting.length > 0 || this.active.length > 0)) {
      if (this.active.length === 0) {
        // A batch's first request waits a moment, so requests sent together start together.
        if (this.windowMs > 0) await sleep(this.windowMs);
        if (this.wider) await this.switchSession();
      }
      const joining: Row[] = [];
      try {
        this.dropFinished();
        await this.admit(joining);
        if (this.active.length > 0) await this.step();
      } catch (error) {
        // A failed forward pass fails the rows in it; the next requests get a fresh batch.
        for (const row of [...this.active, ...joining]) row.req.channel.fail(error);
        this.active = [];
        this.kv = null;
        this.rowFeeds = null;
      }
    }
  }

  /** Starts building a session that also holds `shape`; the running batch drains, then it takes over. */
  private widen(shape: LoraShape): void {
    const target = widerShape(this.wider?.shape ?? this.shape, shape);
    const previous = this.wider;
    this.counts.sessionsCreated++;
    const session = DecodeSession.create(this.modelDir, this.config, target, this.settings, true);
    session.catch(() => {}); // reported by switchSession to the requests that needed it
    this.wider = { shape: target, session };
    if (previous) void previous.session.then((s) => s.release(), () => {});
  }

  private async switchSession(): Promise<void> {
    const wider = this.wider!;
    try {
      const session = await wider.session;
      if (this.wider !== wider) {
        // A still wider one was asked for meanwhile; this one is released by widen().
        return;
      }
      this.wider = null;
      const old = this.session;
      this.session = session;
      this.feeds = new RowLoraFeeds(session.lora, wider.shape);
      this.rowFeeds = null;
      await old.release();
    } catch (error) {
      if (this.wider !== wider) return;
      this.wider = null;
      // The requests that needed the wider session cannot run; the others still can.
      for (const req of [...this.waiting]) {
        if (req.adapter && !holdsShape(this.shape, adapterShape(req.adapter))) {
          this.waiting.splice(this.waiting.indexOf(req), 1);
          req.channel.fail(error);
        }
      }
    }
  }

  /** Prefills waiting requests into free rows and joins them to the running batch. */
  private async admit(joining: Row[]): Promise<void> {
    // While a wider session is being built, the running batch drains instead of growing.
    if (this.wider) return;
    const take: Request[] = [];
    while (take.length < this.maxBatch - this.active.length && this.waiting.length > 0) {
      const req = this.waiting.shift()!;
      if (!this.gone(req)) take.push(req);
    }
    if (take.length === 0) return;
    const { vocabSize: V, maxPositions } = this.config;
    const B = take.length;
    const L = Math.max(...take.map((r) => r.prompt.length));
    const pad = BigInt(this.tokenizer.pad?.id ?? this.tokenizer.eos?.id ?? 0);
    const ids = new BigInt64Array(B * L).fill(pad);
    const positions = new BigInt64Array(B * L);
    const mask = new BigInt64Array(B * L);
    take.forEach((req, b) => {
      const offset = b * L + L - req.prompt.length;
      req.prompt.forEach((id, t) => {
        ids[offset + t] = BigInt(id);
        positions[offset + t] = BigInt(t);
        mask[offset + t] = 1n;
      });
    });
    for (const req of take) {
      const row: Row = { req, state: new RowState(req.prompt, req.options, this.tokenizer, maxPositions), rng: new Prng(req.options.seed), token: 0, mask: [] };
      row.mask = [...new Array<number>(L - req.prompt.length).fill(0), ...new Array<number>(req.prompt.length).fill(1)];
      joining.push(row);
    }
    const adapters = take.map((r) => r.adapter);
    this.report('prefill', adapters, L);
    const kv = this.session.start(B);
    const logits = await this.session.step(kv, ids, positions, mask, this.feeds.feeds(adapters));
    joining.forEach((row, b) => {
      if (!this.gone(row.req)) this.take(row, logits.subarray(b * V, (b + 1) * V));
    });
    // Rows that ended on their first token never join; the others' cache joins the batch's.
    const keep = joining.flatMap((row, b) => (row.state.finish || this.gone(row.req) ? [] : [b]));
    const kept = keep.map((b) => joining[b]!);
    joining.length = 0;
    for (const req of take) if (this.gone(req)) this.close1(req);
    if (kept.length === 0) return;
    const cut = leadingZeros(kept);
    const fresh = keep.length === B && cut === 0 ? kv : selectRows(kv, keep, kv.length - cut);
    for (const row of kept) row.mask = row.mask.slice(cut);
    const length = Math.max(this.kv?.length ?? 0, fresh.length);
    for (const row of [...this.active, ...kept]) if (row.mask.length < length) row.mask = [...new Array<number>(length - row.mask.length).fill(0), ...row.mask];
    this.kv = this.kv ? joinRows(this.kv, fresh) : fresh;
    this.active.push(...kept);
    this.rowFeeds = null;
  }

  /** One token for every active row, then the rows that finished leave. */
  private async step(): Promise<void> {
    const rows = this.active;
    const B = rows.length;
    const V = this.config.vocabSize;
    const ids = BigInt64Array.from(rows, (r) => BigInt(r.token));
    const positions = BigInt64Array.from(rows, (r) => BigInt(r.state.position));
    for (const row of rows) row.mask.push(1);
    const width = rows[0]!.mask.length;
    const mask = new BigInt64Array(B * width);
    rows.forEach((row, b) => row.mask.forEach((v, t) => (mask[b * width + t] = BigInt(v))));
    const adapters = rows.map((r) => r.req.adapter);
    this.rowFeeds ??= this.feeds.feeds(adapters);
    this.report('step', adapters, 1);
    const logits = await this.session.step(this.kv!, ids, positions, mask, this.rowFeeds);
    rows.forEach((row, b) => {
      if (!this.gone(row.req)) this.take(row, logits.subarray(b * V, (b + 1) * V));
    });
    this.dropFinished();
  }

  /** Chooses a row's token and sends its events; a row that ends sends its result. */
  private take(row: Row, logits: Float32Array): void {
    const { token, events } = row.state.take(logits, row.rng);
    row.token = token;
    for (const e of events) row.req.channel.push(e);
    if (row.state.finish) row.req.channel.finish(row.state.result());
  }

  /** Whether a request's caller has gone: aborted or stopped reading. */
  private gone(req: Request): boolean {
    return req.abandoned || req.signal?.aborted === true;
  }

  private close1(req: Request): void {
    req.channel.fail(req.signal?.aborted ? req.signal.reason : new Error('generate: the caller stopped reading'));
  }

  /** Rows that finished or whose callers went leave the batch, with the cache positions none of the others attend to. */
  private dropFinished(): void {
    const keep: number[] = [];
    this.active.forEach((row, b) => {
      if (row.state.finish) return;
      if (this.gone(row.req)) return this.close1(row.req);
      keep.push(b);
    });
    if (keep.length === this.active.length) return;
    const kept = keep.map((b) => this.active[b]!);
    this.active = kept;
    this.rowFeeds = null;
    if (kept.length === 0) {
      this.kv = null;
      return;
    }
    const cut = leadingZeros(kept);
    this.kv = selectRows(this.kv!, keep, this.kv!.length - cut);
    for (const row of kept) row.mask = row.mask.slice(cut);
  }

  private report(kind: ForwardPass['kind'], adapters: (LoraAdapter | null)[], tokens: number): void {
    if (kind === 'prefill') this.counts.prefills++;
    else this.counts.steps++;
    this.counts.largestBatch = Math.max(this.counts.largestBatch, adapters.length);
    this.onForward?.({ kind, adapters, tokens });
  }
}

/** Leading cache positions that none of the rows attends to. */
function leadingZeros(rows: readonly Row[]): number {
  return Math.min(...rows.map((r) => {
    const first = r.mask.indexOf(1);
    return first < 0 ? r.mask.length : first;
  }));
}
