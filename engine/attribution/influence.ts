/**
 * Influence of every training example on one output, over a warm gradient store: the query's
 * gradient (the loss of the output given the prompt, with respect to the LoRA tensors, at each
 * checkpoint the store holds, projected the same way), then TracIn and DataInf scores, the top
 * examples, and the scores summed per training record.
 *
 * One InfluenceIndex holds the store in memory, one gradient session (the per-row graph run at
 * batch 1) and the scoring kernel (influence-kernel.ts), so each query costs one forward/backward
 * pass per checkpoint and three MatMul passes over the stored gradients
 * (bench/attribution-influence.ts measures both parts).
 */
import { loadModelConfig } from '../models/config';
import type { CreateSessionOptions } from '../runtime/providers';
import { datainfLambdas, type DataInfOptions } from './datainf';
import { GradientSession, type GradientExample } from './gradients';
import { InfluenceKernel } from './influence-kernel';
import { GradientStore } from './store';

export type InfluenceMethod = 'tracin' | 'datainf';

/**
 * How each training example's score is scaled. 'renormalized' (the default) divides it by the
 * norm of the example's stored gradient, after Hammoudeh and Lowd ("Identifying a Training-Set
 * Attack's Target Using Renormalized Influence Estimation", CCS 2022): raw influence grows with
 * the gradient's size, so a few high-loss examples (often noisy or mislabeled ones) outrank the
 * examples that are most like the query. For TracIn it is the norm over all checkpoints,
 * weighted as the scores are (√ of the projected self-influence), so the query equal to a
 * training example scores that example highest (Cauchy–Schwarz); for DataInf the norm at the
 * final checkpoint. 'raw' is the papers' own score (what bench/attribution-influence.ts compares
 * with exact influence). Self-influence is unaffected: it ranks by raw size on purpose.
 */
export type InfluenceScale = 'renormalized' | 'raw';

export interface InfluenceScores {
  /** Per stored example (store order). */
  tracin: Float64Array;
  datainf: Float64Array;
  /** Seconds spent on the query's gradients and on the scores. */
  seconds: { gradient: number; scoring: number };
}

export interface ScoredExample {
  /** Position in the store. */
  index: number;
  id: string;
  sourceIds: string[];
  score: number;
}

export interface InfluenceIndexOptions {
  storeDir: string;
  /** The base model the store's adapter belongs to. */
  modelDir: string;
  session?: CreateSessionOptions;
  /**
   * ONNX Runtime threads for the scores' MatMuls. Default 1: they stream the store from memory,
   * and on this shared 2-core machine 2 threads were slower in most rounds (bench/RESULTS.md,
   * "Attribution: influence").
   */
  scoringThreads?: number;
  /** DataInf's damping (datainf.ts). */
  datainf?: DataInfOptions;
  /** Default 'renormalized'. */
  scale?: InfluenceScale;
}

/** Per stored example, what its scores are divided by (1 where raw). */
interface Divisors {
  tracin: Float64Array;
  datainf: Float64Array;
}

export class InfluenceIndex {
  private constructor(
    readonly store: GradientStore,
    private readonly session: GradientSession,
    private readonly kernel: InfluenceKernel,
    /** Per checkpoint, the LoRA tensors by input name. */
    private readonly params: readonly Map<string, Float32Array>[],
    /** DataInf's λ per block. */
    readonly lambdas: Float64Array,
    private readonly divisors: Divisors | null,
  ) {}

  static async open(options: InfluenceIndexOptions): Promise<InfluenceIndex> {
    const store = await GradientStore.open(options.storeDir);
    const config = loadModelConfig(options.modelDir);
    if (config.modelType !== store.index.modelType) throw new Error(`the gradient store in ${options.storeDir} was built for a ${store.index.modelType} model, ${options.modelDir} is ${config.modelType}`);
    const adapters = [];
    try {
      for (let c = 0; c < store.index.checkpoints.length; c++) adapters.push(await store.adapter(c, config));
    } catch (e) {
      throw new Error(`the gradient store in ${options.storeDir} does not fit ${options.modelDir}: ${(e as Error).message}`, { cause: e });
    }
    const session = await GradientSession.open(options.modelDir, adapters[0]!.settings, store.index.projection, options.session);
    const same = session.blocks.length === store.blocks.length && session.blocks.every((b, l) => JSON.stringify(b) === JSON.stringify(store.blocks[l]));
    if (!same) {
      await session.release();
      throw new Error(`the gradient store in ${options.storeDir} does not fit ${options.modelDir}: its blocks differ from the ones this model and adapter give (another base model, or a store of another version)`);
    }
    const params = adapters.map((a) => new Map(a.modules.flatMap((m) => [[`base_model.model.${m.module}.lora_A.weight`, m.a] as const, [`base_model.model.${m.module}.lora_B.weight`, m.b] as const])));
    const lambdas = datainfLambdas(store.final, store.blocks, options.datainf);
    let kernel: InfluenceKernel;
    try {
      kernel = await InfluenceKernel.open({ threads: options.scoringThreads ?? 1 });
    } catch (e) {
      await session.release();
      throw e;
    }
    return new InfluenceIndex(store, session, kernel, params, lambdas, (options.scale ?? 'renormalized') === 'raw' ? null : renormalizers(store));
  }

  /** The query's projected gradient at each checkpoint: [checkpoint][block]. */
  async queryGradients(query: GradientExample): Promise<Float32Array[][]> {
    const out: Float32Array[][] = [];
    for (const params of this.params) out.push((await this.session.compute([query], params)).projected);
    return out;
  }

  /** TracIn and DataInf scores of every stored example for `query` (ids and shifted targets, -100 on the prompt). */
  async scores(query: GradientExample): Promise<InfluenceScores> {
    const t0 = performance.now();
    const grads = await this.queryGradients(query);
    const t1 = performance.now();
    const scored = await this.scoresOf(grads);
    return { ...scored, seconds: { gradient: (t1 - t0) / 1000, scoring: (performance.now() - t1) / 1000 } };
  }

  /** Scores for query gradients already taken (queryGradients' shape), by ONNX Runtime (influence-kernel.ts). */
  async scoresOf(grads: readonly (readonly Float32Array[])[]): Promise<{ tracin: Float64Array; datainf: Float64Array }> {
    const raw = await this.kernel.scores(this.store, this.lambdas, grads);
    const d = this.divisors;
    if (!d) return raw;
    // An example without a gradient (every target masked) moved nothing: it scores 0.
    const scaled = (s: Float64Array, by: Float64Array) => s.map((x, i) => (by[i]! > 0 ? x / by[i]! : 0));
    return { tracin: scaled(raw.tracin, d.tracin), datainf: scaled(raw.datainf, d.datainf) };
  }

  /** The k highest scores, highest first (ties: store order). */
  top(scores: Float64Array, k: number): ScoredExample[] {
    const order = topIndices(scores, k);
    return order.map((i) => {
      const e = this.store.index.examples[i]!;
      return { index: i, id: e.id, sourceIds: e.sourceIds, score: scores[i]! };
    });
  }

  /** Scores summed per training record (an example of several records gives each an equal part). */
  bySource(scores: Float64Array): Map<string, number> {
    const out = new Map<string, number>();
    this.store.index.examples.forEach((e, i) => {
      const part = scores[i]! / e.sourceIds.length;
      for (const id of e.sourceIds) out.set(id, (out.get(id) ?? 0) + part);
    });
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.kernel.release();
  }
}

/** The norms of the stored (projected) gradients that renormalized scores divide by. */
function renormalizers(store: GradientStore): Divisors {
  const n = store.size;
  const tracin = new Float64Array(n);
  const datainf = new Float64Array(n);
  store.checkpoints.forEach((grads, c) => {
    const weight = store.index.checkpoints[c]!.weight;
    for (const sq of grads.squaredNorms) for (let i = 0; i < n; i++) tracin[i]! += weight * sq[i]!;
  });
  for (const sq of store.final.squaredNorms) for (let i = 0; i < n; i++) datainf[i]! += sq[i]!;
  return { tracin: tracin.map(Math.sqrt), datainf: datainf.map(Math.sqrt) };
}

/** Indices of the k largest values, largest first, ties by index; one pass with a small sorted buffer. */
export function topIndices(scores: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 0) throw new Error(`top: k must be a non-negative integer, got ${k}`);
  const keep = Math.min(k, scores.length);
  const best: number[] = [];
  const better = (i: number, j: number) => scores[i]! > scores[j]! || (scores[i]! === scores[j]! && i < j);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) continue;
    if (best.length === keep && (keep === 0 || !better(i, best[keep - 1]!))) continue;
    let at = best.length === keep ? keep - 1 : best.length;
    if (best.length < keep) best.push(i);
    while (at > 0 && better(i, best[at - 1]!)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best;
}
