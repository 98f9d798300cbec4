/**
 * Per-example LoRA gradients, projected, from the per-row gradient graph (gradients-graph.ts) in
 * one ONNX Runtime session: examples in (each its own row, never packed with another), per block
 * the projected gradient of each example's own mean loss out.
 *
 * Why a batched per-row graph rather than the training graph at batch 1: both give the same
 * numbers (test/integration/attribution-gradients.test.ts checks them against each other), but
 * batch 1 runs the whole model once per example, with a per-call overhead that dominates small
 * rows, and returns the full gradient to project in JavaScript. The per-row graph runs B examples
 * per call and projects inside the graph; bench/attribution-influence.ts measures both
 * (bench/RESULTS.md, "Attribution: influence").
 */
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { LoraSettings } from '../lora-io/adapter';
import { modelSource } from '../onnx/model-source';
import type { LoraTensorSpec } from '../models/lora';
import { createSession, type CreateSessionOptions } from '../runtime/providers';
import { collectGarbage } from '../train/collect-garbage';
import { buildGradientGraph, projectedName, squaredNormName } from './gradients-graph';
import type { BlockSpec, ProjectionSettings } from './projection';

const IGNORE = -100;

/** One example as the model sees it: ids and shifted targets of one length (-100: no loss there). */
export interface GradientExample {
  ids: ArrayLike<number>;
  targets: ArrayLike<number>;
}

export interface ExampleGradients {
  /** Per block, the examples' projected gradients one after another: [count, block.k]. */
  projected: Float32Array[];
  /** Per block, each example's exact squared gradient norm (before projection): [count]. */
  squaredNorms: Float32Array[];
  /** Targets each example's loss is the mean over. */
  targetCounts: Int32Array;
}

type Ort = typeof OrtModule;

export class GradientSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    /** The LoRA inputs in the graph's order. */
    readonly lora: readonly LoraTensorSpec[],
    /** One per LoRA tensor, in `lora` order. */
    readonly blocks: readonly BlockSpec[],
    private readonly dispose: () => void,
  ) {}

  /** `projection` null keeps whole gradients (for exact references on small models). */
  static async open(modelDir: string, settings: LoraSettings, projection: ProjectionSettings | null, options: CreateSessionOptions = {}): Promise<GradientSession> {
    const built = await buildGradientGraph(modelDir, settings, projection);
    const source = await modelSource(built.graph);
    const dispose = source.kind === 'file' ? () => source.dispose() : () => undefined;
    collectGarbage();
    try {
      const session = await createSession(source.kind === 'bytes' ? source.bytes : source.path, { memoryPattern: false, ...options });
      return new GradientSession(await import('onnxruntime-node'), session, built.lora, built.blocks, dispose);
    } catch (e) {
      dispose();
      throw e;
    }
  }

  /**
   * The gradients of `examples` (one batch: right-padded to the longest, which the causal mask
   * keeps from the real tokens) under the LoRA tensors `params` (by input name).
   */
  async compute(examples: readonly GradientExample[], params: ReadonlyMap<string, Float32Array>): Promise<ExampleGradients> {
    const { Tensor } = this.ort;
    const size = examples.length;
    if (size === 0) throw new Error('gradients: no examples');
    let length = 0;
    examples.forEach((e, i) => {
      if (e.ids.length !== e.targets.length) throw new Error(`gradients: example ${i} has ${e.ids.length} ids and ${e.targets.length} targets; they must be as many`);
      if (e.ids.length === 0) throw new Error(`gradients: example ${i} has no tokens`);
      length = Math.max(length, e.ids.length);
    });
    const ids = new BigInt64Array(size * length);
    const targets = new BigInt64Array(size * length).fill(BigInt(IGNORE));
    const counts = new Int32Array(size);
    examples.forEach((e, b) => {
      for (let t = 0; t < e.ids.length; t++) {
        ids[b * length + t] = BigInt(e.ids[t]!);
        const y = e.targets[t]!;
        targets[b * length + t] = BigInt(y);
        if (y !== IGNORE) counts[b]!++;
      }
      if (counts[b] === 0) throw new Error(`gradients: example ${b} has no targets (every target is -100), so it has no loss to differentiate`);
    });
    const feeds: Record<string, Tensor> = { input_ids: new Tensor('int64', ids, [size, length]), targets: new Tensor('int64', targets, [size, length]) };
    for (const s of this.lora) {
      const data = params.get(s.name);
      if (!data || data.length !== s.shape[0] * s.shape[1]) throw new Error(`gradients: LoRA tensor ${s.name} missing or not [${s.shape.join(', ')}]`);
      feeds[s.name] = new Tensor('float32', data, s.shape);
    }
    const out = await this.session.run(feeds);
    // The graph differentiates the batch's mean over all N targets: row b's part is n_b/N of the
    // gradient of its own mean loss.
    let total = 0;
    for (const c of counts) total += c;
    const scale = Float32Array.from(counts, (c) => total / c);
    const projected = this.blocks.map((block) => {
      const data = Float32Array.from(out[projectedName(block)]!.data as Float32Array);
      for (let b = 0; b < size; b++) {
        const s = scale[b]!;
        for (let j = b * block.k, end = j + block.k; j < end; j++) data[j]! *= s;
      }
      return data;
    });
    const squaredNorms = this.blocks.map((block) => {
      const data = Float32Array.from(out[squaredNormName(block)]!.data as Float32Array);
      for (let b = 0; b < size; b++) data[b]! *= scale[b]! * scale[b]!;
      return data;
    });
    return { projected, squaredNorms, targetCounts: counts };
  }

  async release(): Promise<void> {
    await this.session.release();
    this.dispose();
  }
}
