/**
 * One ONNX Runtime session over a decode graph (buildCausalLmGraph's 'decode' mode) for one LoRA
 * shape, and the key/value cache of one batch as it runs: the present tensors a step returns are
 * fed back as the next step's past as they are (no copy in JavaScript).
 */
import * as ort from 'onnxruntime-node';
import { loraSettings } from '../lora-io/adapter';
import { buildCausalLmGraph } from '../models/causal-lm';
import type { ModelConfig } from '../models/config';
import { pastName, presentName } from '../models/kv-cache';
import type { LoraTensorSpec } from '../models/lora';
import { modelSource } from '../onnx/model-source';
import { createSession } from '../runtime/providers';
import type { LoraShape } from './lora-slots';

export interface SessionSettings {
  /** ONNX Runtime's intra-op threads; default: ONNX Runtime's (the physical cores). */
  threads?: number;
  /**
   * Let the intra-op threads spin between kernels, ONNX Runtime's default (true). A decode step is
   * a few hundred small kernels, and a spinning worker picks up the next parallel one without being
   * woken: on the idle 2-core box, 2 threads decode 131–147 tok/s spinning, 113–121 not. But
   * spinning keeps every thread's core busy for the whole generation, and when something else
   * runs on those cores (a training job, another suite) a spinning worker that loses its core
   * stalls each parallel kernel: there, 62–67 tok/s spinning, 81–86 not (bench/RESULTS.md). Pass
   * false when generation shares the cores.
   */
  spinWait?: boolean;
}

export class DecodeSession {
  private constructor(
    readonly config: ModelConfig,
    readonly shape: LoraShape,
    readonly lora: readonly LoraTensorSpec[],
    private readonly session: ort.InferenceSession,
    /** Removes the model file written for a model past protobuf's 2 GiB (nothing for one in memory). */
    private readonly dispose: () => void = () => undefined,
  ) {}

  /** `rowLora`: each LoRA input has a batch axis, every row its own adapter (row-lora.ts); else one adapter for the batch. */
  static async create(modelDir: string, config: ModelConfig, shape: LoraShape, settings: SessionSettings, rowLora = false): Promise<DecodeSession> {
    // alpha = r: the graph's scaling is 1, and each adapter's own α/r is folded into its B (lora-slots.ts).
    const lora = shape.modules.length > 0 ? loraSettings(config.modelType, { r: shape.r, alpha: shape.r, targets: [...shape.modules] }) : undefined;
    const built = await buildCausalLmGraph(modelDir, { mode: 'decode', lora, rowLora });
    // Bytes, or past protobuf's 2 GiB a model file with its weights beside it (a 1–3B model).
    const source = await modelSource(built.graph);
    const dispose = source.kind === 'file' ? () => source.dispose() : () => undefined;
    try {
      const session = await createSession(source.kind === 'bytes' ? source.bytes : source.path, {
        provider: 'cpu',
        ...(settings.threads ? { threads: settings.threads } : {}),
        ...(settings.spinWait === undefined ? {} : { spinWait: settings.spinWait }),
      });
      return new DecodeSession(built.config, shape, built.lora, session, dispose);
    } catch (e) {
      dispose();
      throw e;
    }
  }

  /** Starts a batch of `batch` sequences with an empty cache. */
  start(batch: number): KvState {
    return new KvState(this.config, batch);
  }

  /**
   * One forward pass over `ids` [B, T] at `positions` [B, T], attending to the cache and the new
   * tokens under `mask` [B, P + T]; appends to the cache and returns the last position's logits [B, V].
   */
  async step(kv: KvState, ids: BigInt64Array, positions: BigInt64Array, mask: BigInt64Array, lora: Record<string, ort.Tensor>): Promise<Float32Array> {
    const B = kv.batch;
    const T = ids.length / B;
    if (mask.length !== B * (kv.length + T)) throw new Error(`decode step: attention mask of ${mask.length} values, [${B}, ${kv.length + T}] needed`);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [B, T]),
      position_ids: new ort.Tensor('int64', positions, [B, T]),
      attention_mask: new ort.Tensor('int64', mask, [B, kv.length + T]),
      ...kv.feeds(),
      ...lora,
    };
    const out = await this.session.run(feeds);
    kv.update(out, T);
    return out.logits!.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
    this.dispose();
  }
}

/** The cache of one batch: per layer the key and value tensors [B, kvHeads, length, headDim]. */
export class KvState {
  length = 0;
  private past: Record<string, ort.Tensor> = {};

  /** An empty cache, or (`past`, `length`) one already filled, as kv-batch.ts assembles them. */
  constructor(
    readonly config: ModelConfig,
    readonly batch: number,
    past?: Record<string, ort.Tensor>,
    length = 0,
  ) {
    if (past) {
      this.past = past;
      this.length = length;
      return;
    }
    const empty = new Float32Array(0);
    for (let i = 0; i < config.numLayers; i++) {
      for (const kind of ['key', 'value'] as const) this.past[pastName(i, kind)] = new ort.Tensor('float32', empty, [batch, config.numKvHeads, 0, config.headDim]);
    }
  }

  feeds(): Record<string, ort.Tensor> {
    return this.past;
  }

  update(out: ort.InferenceSession.OnnxValueMapType, added: number): void {
    const next: Record<string, ort.Tensor> = {};
    for (let i = 0; i < this.config.numLayers; i++) {
      for (const kind of ['key', 'value'] as const) next[pastName(i, kind)] = out[presentName(i, kind)] as ort.Tensor;
    }
    this.past = next;
    this.length += added;
  }
}
