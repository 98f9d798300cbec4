/**
 * What the server runs requests on: per base model one BatchScheduler (one per-row decode session:
 * the base's weights loaded once, every adapter of it served from the same batch), opened at the
 * first request for that base with LoRA room for all of the base's installed adapters, so serving
 * any of them, or switching between them, never loads the base again. Adapters are read once and
 * kept (keyed by folder and time: one removed and installed again under its name is read again).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BatchScheduler, settingsShape, widerShape, BASE_SHAPE, type ForwardPass, type LoraShape, type SchedulerStats } from '../../../../engine/generate/index';
import type { LoraAdapter } from '../../../../engine/lora-io/adapter';
import { ADAPTER_CONFIG_FILE, parseAdapterConfig } from '../../../../engine/lora-io/index';
import { loadModelConfig } from '../../../../engine/models/config';
import { loadAdapterFor, readAdapterInfo } from '../../models/adapters';
import type { ModelsService } from '../../models/service';

export interface EngineSettings {
  /** ONNX Runtime's intra-op threads per base model; default: ONNX Runtime's (the physical cores). */
  threads?: number;
  /** Rows decoded together at most, per base model. Default 16. */
  maxBatch?: number;
  /** Requests waiting for a row at most, per base model; beyond it a 429. Default 256. */
  maxWaiting?: number;
  /** How long an idle base's first request waits for others to batch with, in ms. Default 2. */
  windowMs?: number;
}

/** One forward pass of a base model's batch: its rows as model ids (`base` or `base:adapter`). */
export interface ServedPass {
  base: string;
  kind: ForwardPass['kind'];
  rows: string[];
}

export class Engines {
  /** Each forward pass, with its rows' model ids (tests assert batching; counters). */
  onForward: ((pass: ServedPass) => void) | null = null;
  private readonly schedulers = new Map<string, Promise<BatchScheduler>>();
  private readonly adapters = new Map<string, Promise<LoraAdapter>>();
  /** The id each loaded adapter is served under, for onForward. */
  private readonly ids = new WeakMap<LoraAdapter, string>();

  constructor(
    private readonly models: ModelsService,
    private readonly settings: EngineSettings = {},
  ) {}

  scheduler(base: string): Promise<BatchScheduler> {
    let s = this.schedulers.get(base);
    if (!s) {
      s = this.open(base);
      s.catch(() => this.schedulers.delete(base));
      this.schedulers.set(base, s);
    }
    return s;
  }

  adapter(base: string, name: string): Promise<LoraAdapter> {
    const dirs = this.models.adapterDirs(name);
    const key = `${dirs.adapter}\n${fs.statSync(dirs.adapter).mtimeMs}`;
    let a = this.adapters.get(key);
    if (!a) {
      a = loadAdapterFor(dirs.adapter, dirs.base, 'adapter').then((adapter) => {
        this.ids.set(adapter, `${base}:${name}`);
        return adapter;
      });
      a.catch(() => this.adapters.delete(key));
      this.adapters.set(key, a);
    }
    return a;
  }

  /** The base models loaded so far, with their schedulers' counters. */
  async stats(): Promise<{ base: string; stats: SchedulerStats }[]> {
    const out: { base: string; stats: SchedulerStats }[] = [];
    for (const [base, s] of this.schedulers) {
      try {
        out.push({ base, stats: (await s).stats() });
      } catch {
        // A base that failed to open is reported by the request that opened it.
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.schedulers.values()]);
    this.schedulers.clear();
    this.adapters.clear();
    await Promise.all(all.flatMap((s) => (s.status === 'fulfilled' ? [s.value.close()] : [])));
  }

  private async open(base: string): Promise<BatchScheduler> {
    const dir = this.models.modelDir(base);
    const { maxBatch, maxWaiting, windowMs, threads } = this.settings;
    const scheduler = await BatchScheduler.open(dir, {
      lora: this.room(base, dir),
      ...(threads ? { threads } : {}),
      ...(maxBatch ? { maxBatch } : {}),
      ...(maxWaiting !== undefined ? { maxWaiting } : {}),
      ...(windowMs !== undefined ? { windowMs } : {}),
    });
    scheduler.onForward = (pass) => this.onForward?.({ base, kind: pass.kind, rows: pass.adapters.map((a) => (a ? (this.ids.get(a) ?? `${base}:?`) : base)) });
    return scheduler;
  }

  /** LoRA room for every installed adapter of the base (from their adapter_config.json alone). */
  private room(base: string, dir: string): LoraShape {
    const config = loadModelConfig(dir);
    let shape = BASE_SHAPE;
    for (const a of this.models.adapters.list()) {
      if (readAdapterInfo(a.dir)?.base !== base) continue;
      try {
        const settings = parseAdapterConfig(JSON.parse(fs.readFileSync(path.join(a.dir, ADAPTER_CONFIG_FILE), 'utf8')));
        shape = widerShape(shape, settingsShape(config, settings));
      } catch {
        // An adapter whose config does not read is refused when it is asked for, with the reason.
      }
    }
    return shape;
  }
}
