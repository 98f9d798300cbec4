/**
 * The training graph of one model and LoRA configuration, built and loaded into ONNX Runtime once
 * per run: a batch, the LoRA tensors and the dropout masks in; the mean loss over the batch's
 * targets and the gradient of every LoRA tensor out.
 */
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { LoraSettings } from '../lora-io/adapter';
import type { ModelConfig } from '../models/config';
import { buildCausalLmGraph } from '../models/causal-lm';
import { modelSource, type ModelSource } from '../onnx/model-source';
import { collectGarbage } from './collect-garbage';
import type { DropoutSpec, LoraTensorSpec } from '../models/lora';
import { createSession, type CreateSessionOptions } from '../runtime/providers';
import type { TrainBatch } from './training-data';

export interface StepResult {
  /** Mean cross-entropy over the batch's targets. */
  loss: number;
  /** One per LoRA tensor, in `lora` order. */
  grads: Float32Array[];
}

type Ort = typeof OrtModule;

export class TrainingSession {
  private onesMasks = new Map<string, Float32Array>();

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly config: ModelConfig,
    /** The LoRA inputs in the graph's order (module by module, A then B). */
    readonly lora: readonly LoraTensorSpec[],
    /** Dropout mask inputs, one per adapted module (none when dropout is 0). */
    readonly dropout: readonly DropoutSpec[],
    /** Removes the model file of a graph past 2 GiB (bytes are not kept: ONNX Runtime has its own copy). */
    private readonly dispose: () => void,
  ) {}

  static async open(modelDir: string, settings: LoraSettings, options: CreateSessionOptions = {}): Promise<TrainingSession> {
    const loaded = await loadTrainingGraph(modelDir, settings, options);
    // The encoded copy of the weights is garbage now that the session holds its own.
    collectGarbage();
    return new TrainingSession(await import('onnxruntime-node'), loaded.session, loaded.config, loaded.lora, loaded.dropout, loaded.dispose);
  }

  /**
   * Loss and gradients for one micro-batch. `params` holds each LoRA tensor by input name; `masks`
   * one dropout mask [size, length, features] per `dropout` entry (required when there are any).
   */
  async step(batch: TrainBatch, params: ReadonlyMap<string, Float32Array>, masks?: ReadonlyMap<string, Float32Array>): Promise<StepResult> {
    const out = await this.session.run(this.feeds(batch, params, masks ?? this.ones(batch)));
    return { loss: scalar(out.loss!), grads: this.lora.map((s) => out[`grad.${s.name}`]!.data as Float32Array) };
  }

  /** The loss with dropout off (every mask 1), as model.eval() computes it. */
  async loss(batch: TrainBatch, params: ReadonlyMap<string, Float32Array>): Promise<number> {
    // The graph computes the gradients too (ONNX Runtime runs every node whatever is fetched);
    // a separate loss-only graph would hold a second copy of the base weights.
    const out = await this.session.run(this.feeds(batch, params, this.ones(batch)), ['loss']);
    return scalar(out.loss!);
  }

  async release(): Promise<void> {
    await this.session.release();
    this.dispose();
  }

  private feeds(batch: TrainBatch, params: ReadonlyMap<string, Float32Array>, masks: ReadonlyMap<string, Float32Array>): Record<string, Tensor> {
    const { Tensor } = this.ort;
    const dims = [batch.size, batch.length];
    if (batch.inputIds.length !== batch.size * batch.length || batch.targets.length !== batch.inputIds.length) {
      throw new Error(`training batch: inputIds has ${batch.inputIds.length} and targets ${batch.targets.length} values, [${dims.join(', ')}] needs ${batch.size * batch.length}`);
    }
    const feeds: Record<string, Tensor> = { input_ids: new Tensor('int64', batch.inputIds, dims), targets: new Tensor('int64', batch.targets, dims) };
    for (const s of this.lora) {
      const data = params.get(s.name);
      if (!data) throw new Error(`training session: no values for LoRA tensor ${s.name}`);
      feeds[s.name] = new Tensor('float32', data, s.shape);
    }
    for (const d of this.dropout) {
      const mask = masks.get(d.name);
      if (!mask || mask.length !== batch.size * batch.length * d.features) throw new Error(`training session: dropout mask ${d.name} missing or not [${batch.size}, ${batch.length}, ${d.features}]`);
      feeds[d.name] = new Tensor('float32', mask, [batch.size, batch.length, d.features]);
    }
    return feeds;
  }

  /** All-ones masks for this batch's shape, kept for the next batch of the same shape. */
  private ones(batch: TrainBatch): ReadonlyMap<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const d of this.dropout) {
      const n = batch.size * batch.length * d.features;
      const key = `${d.features}`;
      let mask = this.onesMasks.get(key);
      if (!mask || mask.length !== n) this.onesMasks.set(key, (mask = new Float32Array(n).fill(1)));
      out.set(d.name, mask);
    }
    return out;
  }
}

interface TrainingGraph {
  source: ModelSource;
  config: ModelConfig;
  lora: LoraTensorSpec[];
  dropout: DropoutSpec[];
  /** Removes the model file of a graph past 2 GiB. */
  dispose: () => void;
}

const nothing = () => undefined;

/** The graph as ONNX Runtime takes it; the builder (and its weights) is garbage when this returns. */
async function trainingGraph(modelDir: string, settings: LoraSettings): Promise<TrainingGraph> {
  const built = await buildCausalLmGraph(modelDir, { mode: 'train', lora: settings });
  // Bytes, or past protobuf's 2 GiB a model file with its weights beside it (removed on release).
  const source = await modelSource(built.graph);
  return { source, config: built.config, lora: built.lora, dropout: built.dropout, dispose: disposerOf(source) };
}

async function loadTrainingGraph(modelDir: string, settings: LoraSettings, options: CreateSessionOptions): Promise<Omit<TrainingGraph, 'source'> & { session: InferenceSession }> {
  const graph = await trainingGraph(modelDir, settings);
  // The builder's copy of the weights is garbage now.
  collectGarbage();
  try {
    // A training graph's activations hold ~200 MB less without ORT's memory pattern, at the same speed.
    const session = await createSession(graph.source.kind === 'bytes' ? graph.source.bytes : graph.source.path, { memoryPattern: false, ...options });
    return { session, config: graph.config, lora: graph.lora, dropout: graph.dropout, dispose: graph.dispose };
  } catch (e) {
    graph.dispose();
    throw e;
  }
}

/** A closure made in a scope that sees the bytes would keep them alive: this one sees only a file. */
function disposerOf(source: ModelSource): () => void {
  if (source.kind === 'bytes') return nothing;
  const file = source;
  return () => file.dispose();
}

function scalar(t: Tensor): number {
  return Number((t.data as Float32Array)[0]);
}
