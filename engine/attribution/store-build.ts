/**
 * Builds a gradient store (store-format.ts) for a trained adapter: every training example's
 * per-example LoRA gradient at each checkpoint, projected, written section by section.
 *
 * Examples are sorted by length before batching (rows of a batch are padded to the longest) and
 * kept in that order in the store, so each batch fills one contiguous range of every section and
 * is written with one positional write per block (store-write.ts); the index lists the ids in
 * that order.
 */
import type { LoraAdapter } from '../lora-io/adapter';
import type { CreateSessionOptions } from '../runtime/providers';
import { GradientSession, type GradientExample } from './gradients';
import { blockSpecs, projectionSettings, type ProjectionOptions } from './projection';
import { storeLayout, type StoreDtype, type StoreIndex } from './store-format';
import { StoreWriter } from './store-write';

export interface StoreCheckpoint {
  adapter: LoraAdapter;
  label: string;
  step?: number | null;
  /** TracIn's weight (the learning rate summed over the steps it stands for); > 0. */
  weight: number;
}

export interface StoreExampleInput extends GradientExample {
  /** Unique in the store. */
  id: string;
  sourceIds: readonly string[];
}

export interface BuildStoreOptions {
  modelDir: string;
  /** The store's folder (created; must not exist yet unless `replace`). */
  outDir: string;
  /** Oldest first; the last is the adapter DataInf describes. All with one LoRA configuration. */
  checkpoints: readonly StoreCheckpoint[];
  /** One row each, already cut to the length training used. */
  examples: readonly StoreExampleInput[];
  /** null keeps whole gradients (small models, exact references). Default: projectionSettings(). */
  projection?: ProjectionOptions | null;
  dtype?: StoreDtype;
  /** At most this many examples per graph run. Default 64. */
  batchSize?: number;
  /** At most this many tokens per graph run (rows × the longest row), whatever batchSize says. Default 8192. */
  batchTokens?: number;
  /** Replace a store already in outDir. */
  replace?: boolean;
  session?: CreateSessionOptions;
  signal?: AbortSignal;
  /** Example gradients done (over all checkpoints) and the total. */
  onProgress?: (done: number, total: number) => void;
  meta?: Record<string, unknown>;
}

/**
 * Bytes of gradients.bin for `examples` examples of this adapter's shape at one checkpoint (a store
 * of c checkpoints is c times this), before building it: how many checkpoints fit a budget.
 */
export function storeBytesPerCheckpoint(adapter: LoraAdapter, examples: number, options: { projection?: ProjectionOptions | null; dtype?: StoreDtype } = {}): number {
  const r = adapter.settings.r;
  const tensors = adapter.modules.flatMap((m) => [
    { name: `${m.module}.lora_A`, module: m.module, kind: 'A' as const, shape: [r, m.inFeatures] as [number, number] },
    { name: `${m.module}.lora_B`, module: m.module, kind: 'B' as const, shape: [m.outFeatures, r] as [number, number] },
  ]);
  const projection = options.projection === null ? null : projectionSettings(options.projection ?? {});
  return storeLayout(examples, blockSpecs(tensors, projection), 1, options.dtype ?? 'f16').bytes;
}

export interface BuiltStore {
  dir: string;
  index: StoreIndex;
  seconds: number;
}

function sameLora(a: LoraAdapter, b: LoraAdapter): boolean {
  const s = (x: LoraAdapter) => JSON.stringify([x.modelType, x.settings.r, x.settings.alpha, x.settings.targetModules, x.modules.map((m) => m.module)]);
  return s(a) === s(b);
}

function paramsOf(adapter: LoraAdapter): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const m of adapter.modules) {
    out.set(`base_model.model.${m.module}.lora_A.weight`, m.a);
    out.set(`base_model.model.${m.module}.lora_B.weight`, m.b);
  }
  return out;
}

function check(options: BuildStoreOptions): void {
  const { checkpoints, examples } = options;
  if (checkpoints.length === 0) throw new Error('gradient store: no checkpoints (at least the trained adapter)');
  checkpoints.forEach((c, i) => {
    if (!(c.weight > 0 && Number.isFinite(c.weight))) throw new Error(`gradient store: checkpoint ${i} (${c.label}) has weight ${c.weight}; TracIn needs a positive learning-rate weight`);
    if (!sameLora(c.adapter, checkpoints[0]!.adapter)) throw new Error(`gradient store: checkpoint ${i} (${c.label}) has other LoRA settings or modules than checkpoint 0 (${checkpoints[0]!.label})`);
  });
  if (examples.length === 0) throw new Error('gradient store: no training examples');
  const ids = new Set<string>();
  for (const e of examples) {
    if (ids.has(e.id)) throw new Error(`gradient store: example id ${JSON.stringify(e.id)} appears twice`);
    ids.add(e.id);
  }
  for (const [name, value] of [['batchSize', options.batchSize], ['batchTokens', options.batchTokens]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`gradient store: ${name} must be a positive integer, got ${value}`);
  }
}

export async function buildGradientStore(options: BuildStoreOptions): Promise<BuiltStore> {
  check(options);
  const started = performance.now();
  const { checkpoints, modelDir, outDir } = options;
  const batchSize = options.batchSize ?? 64;
  const batchTokens = options.batchTokens ?? 8192;
  const projection = options.projection === null ? null : projectionSettings(options.projection ?? {});
  // Store order: by length (less padding per batch), ties by the caller's order.
  const order = options.examples.map((e, i) => ({ e, i })).sort((a, b) => a.e.ids.length - b.e.ids.length || a.i - b.i).map((x) => x.e);
  const n = order.length;
  const first = checkpoints[0]!.adapter;
  const session = await GradientSession.open(modelDir, first.settings, projection, options.session);
  let writer: StoreWriter | undefined;
  try {
    writer = await StoreWriter.create(outDir, {
      n,
      blocks: session.blocks,
      checkpoints: checkpoints.length,
      dtype: options.dtype ?? 'f16',
      ...(options.replace ? { replace: true } : {}),
    });
    const targetCounts = new Int32Array(n);
    const total = n * checkpoints.length;
    let done = 0;
    for (let c = 0; c < checkpoints.length; c++) {
      const params = paramsOf(checkpoints[c]!.adapter);
      for (let start = 0; start < n; ) {
        if (options.signal?.aborted) throw new Error('gradient store: cancelled');
        // Sorted by length: the batch's last row is its longest.
        let end = start + 1;
        while (end < n && end - start < batchSize && (end - start + 1) * order[end]!.ids.length <= batchTokens) end++;
        const batch = order.slice(start, end);
        const out = await session.compute(batch, params);
        if (c === 0) targetCounts.set(out.targetCounts, start);
        await writer.write(c, start, out.projected, out.squaredNorms);
        done += batch.length;
        options.onProgress?.(done, total);
        start = end;
      }
    }
    const index = await writer.finish({
      modelType: first.modelType,
      lora: { r: first.settings.r, alpha: first.settings.alpha, targetModules: first.settings.targetModules },
      projection,
      checkpoints: checkpoints.map((cp) => ({ adapter: cp.adapter, label: cp.label, step: cp.step ?? null, weight: cp.weight })),
      examples: order.map((e, i) => ({ id: e.id, sourceIds: [...e.sourceIds], targets: targetCounts[i]! })),
      meta: options.meta ?? {},
    });
    return { dir: outDir, index, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    await writer?.abort();
    throw e;
  } finally {
    await session.release();
  }
}
