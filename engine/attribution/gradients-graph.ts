/**
 * A graph that gives each row of a batch its own LoRA gradient, projected as the gradient store
 * keeps it (projection.ts), instead of the batch's sum that the training graph gives.
 *
 * How: each LoRA tensor is broadcast to one copy per row, A [r, in] → A_b [B, r, in] (a Mul by a
 * [B, 1, 1] of ones), and row b's LoRA path multiplies by its own copy (batched MatMul). Nothing
 * else changes, so the forward pass computes what the training graph computes, and the gradient
 * with respect to A_b is row b's share of the batch gradient: with the batch loss the mean over all
 * N kept targets, it is (n_b / N) times the gradient of row b's own mean loss; the caller rescales by
 * N / n_b. Reverse mode then forms the per-row gradient as a batched [B, r, T]·[B, T, in] product,
 * the sum over positions of outer products, in one pass for the whole batch.
 *
 * Outputs per LoRA tensor `<name>`: `proj.<name>` [B, k] (the projected gradient, rows flattened)
 * and `sq.<name>` [B] (the exact squared norm before projection, to measure the projection's error).
 * There is no dropout: attribution looks at the trained model as inference runs it.
 */
import { crossEntropy, grad, GraphBuilder, type Value } from '../graph/index';
import { openCheckpoint } from '../io/index';
import { loraScaling, type LoraSettings } from '../lora-io/adapter';
import { selectModules, type AdaptableModule } from '../lora-io/modules';
import { peftKeys } from '../lora-io/peft-files';
import { loadModelConfig, type ModelConfig, type ModelType } from '../models/config';
import type { FamilyLogits } from '../models/family';
import { gpt2Logits } from '../models/gpt2';
import { llamaLogits } from '../models/llama';
import { LoraLayers, loraShapes, type LoraTensorSpec } from '../models/lora';
import { blockSpecs, projectionMatrix, type BlockSpec, type ProjectionSettings } from './projection';

const FAMILIES: Record<ModelType, FamilyLogits> = { gpt2: gpt2Logits, llama: llamaLogits, qwen2: llamaLogits };

/** LoRA layers whose A and B have one copy per row of the batch; `perRow` are the copies, to differentiate. */
class PerRowLora extends LoraLayers {
  readonly perRow: Value[] = [];
  private readonly chosen: ReadonlyMap<string, AdaptableModule>;
  private readonly scale: number;
  private ones: Value | undefined;

  constructor(
    private readonly graph: GraphBuilder,
    config: ModelConfig,
    private readonly lora: LoraSettings,
    private readonly ids: Value,
  ) {
    // The base class adapts nothing; apply below does the adapting.
    super(graph, config, undefined, false);
    this.chosen = new Map(selectModules(config, lora.targetModules).map((m) => [m.module, m]));
    this.scale = loraScaling(lora);
  }

  override apply(x: Value, module: string, base: Value): Value {
    const m = this.chosen.get(module);
    if (!m) return base;
    const g = this.graph;
    const shapes = loraShapes(m, this.lora.r);
    const keys = peftKeys(module);
    const a = this.perRowCopy(this.tensorInput(keys.a, module, 'A', shapes.a));
    const b = this.perRowCopy(this.tensorInput(keys.b, module, 'B', shapes.b));
    const low = g.matmul(x, g.transpose(a, [0, 2, 1]));
    return g.add(base, g.mul(g.matmul(low, g.transpose(b, [0, 2, 1])), this.scale));
  }

  private tensorInput(name: string, module: string, kind: 'A' | 'B', shape: [number, number]): Value {
    this.tensors.push({ name, module, kind, shape });
    const v = this.graph.input(name, 'float', shape);
    this.values.push(v);
    return v;
  }

  /** [rows, cols] → [B, rows, cols], one copy per row of the batch. */
  private perRowCopy(v: Value): Value {
    const g = this.graph;
    if (!this.ones) {
      // [B, 1, 1] ones from the ids (B is read at run time): zeros summed over T, plus one.
      const zeros = g.reduceSum(g.mul(g.cast(this.ids, 'float'), 0), [1], true);
      this.ones = g.unsqueeze(g.add(zeros, 1), [2]);
    }
    const copy = g.mul(g.unsqueeze(v, [0]), this.ones);
    this.perRow.push(copy);
    return copy;
  }
}

export interface GradientGraph {
  graph: GraphBuilder;
  config: ModelConfig;
  /** The LoRA inputs in the model's order (module, A then B). */
  lora: LoraTensorSpec[];
  /** One per LoRA tensor, in `lora` order. */
  blocks: BlockSpec[];
}

/** The output names of a block. */
export const projectedName = (block: Pick<BlockSpec, 'name'>) => `proj.${block.name}`;
export const squaredNormName = (block: Pick<BlockSpec, 'name'>) => `sq.${block.name}`;

/**
 * The per-row gradient graph of a model folder for these LoRA settings: input_ids and targets
 * [B, T] (targets shifted, -100 where no loss is taken) and the LoRA tensors in; per block the
 * projected gradient and its exact squared norm out, both scaled to the batch's mean loss (see above).
 * `projection` null keeps every gradient whole (k = the tensor's size).
 */
export async function buildGradientGraph(modelDir: string, lora: LoraSettings, projection: ProjectionSettings | null): Promise<GradientGraph> {
  const config = loadModelConfig(modelDir);
  const checkpoint = await openCheckpoint(modelDir);
  try {
    const g = new GraphBuilder(`${config.modelType}_per_example_gradients`);
    const ids = g.input('input_ids', 'int64', ['B', 'T']);
    const layers = new PerRowLora(g, config, lora, ids);
    const logits = await FAMILIES[config.modelType]({ g, config, checkpoint, lora: layers }, { ids });
    const targets = g.input('targets', 'int64', ['B', 'T']);
    const loss = crossEntropy(g, logits, targets);
    const grads = grad(g, loss, layers.perRow, { outputs: false });
    const blocks = blockSpecs(layers.tensors, projection);
    blocks.forEach((block, i) => {
      const perRow = grads[i]!; // [B, rows, cols]
      g.output(g.reshape(g.reduceSum(g.mul(perRow, perRow), [1, 2], false), [-1]), squaredNormName(block));
      const p = projection ? projectionMatrix(block, projection.seed) : null;
      let kept = perRow;
      if (p) {
        const side = block.kind === 'A' ? block.shape[1] : block.shape[0];
        const k = block.sideDims!;
        // A: G [B, r, in] · Pᵀ [in, k]; B: P [k, out] · G [B, out, r].
        kept = block.kind === 'A' ? g.matmul(perRow, g.constant(transposed(p, k, side), [side, k])) : g.matmul(g.constant(p, [k, side]), perRow);
      }
      g.output(g.reshape(kept, [0, -1]), projectedName(block));
    });
    return { graph: g, config, lora: layers.tensors, blocks };
  } finally {
    await checkpoint.close();
  }
}

function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j]!;
  return out;
}
