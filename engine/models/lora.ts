/**
 * The LoRA term of a linear layer in a graph, as PEFT computes it. The module list, targets,
 * matching, scaling and initialization live in engine/lora-io (one source of truth, shared with
 * the PEFT reader/writer); this file only builds graph nodes on them.
 *
 * What PEFT does (huggingface/peft src/peft/tuners/lora/layer.py, read for this file):
 * - `update_layer` makes lora_A = nn.Linear(in_features, r) and lora_B = nn.Linear(r, out_features),
 *   so the saved lora_A.weight is [r, in] and lora_B.weight is [out, r] for every layer type.
 * - For transformers' Conv1D (GPT-2), `in_features, out_features = base_layer.weight.shape`, i.e.
 *   the Conv1D weight [in, out] read as is; the adapter tensors keep the nn.Linear layout.
 * - Forward: result = base(x) + lora_B(lora_A(dropout(x))) · scaling, scaling = α/r. Each adapted
 *   module has its own nn.Dropout, so each draws its own mask.
 *
 * Graph inputs are named by the adapter's PEFT keys (`base_model.model.<module>.lora_A.weight`),
 * so an adapter_model.safetensors maps onto a graph by name. Dropout, in training graphs with
 * dropout > 0, is an input mask per module (`<module>.lora_dropout.mask`, [B, T, in], each value 0
 * or 1/(1−p) as nn.Dropout scales) that the trainer draws from its seeded PRNG, so a run (and a
 * resumed run) repeats exactly, which an in-graph random op would not promise across sessions.
 */
import type { GraphBuilder, Value } from '../graph/index';
import { loraScaling, type LoraAdapter, type LoraSettings } from '../lora-io/adapter';
import { selectModules, type AdaptableModule } from '../lora-io/modules';
import { PEFT_PREFIX, peftKeys } from '../lora-io/peft-files';
import type { ModelConfig } from './config';

/** One LoRA tensor a graph takes as an input. */
export interface LoraTensorSpec {
  /** The PEFT key, also the input's name. */
  name: string;
  module: string;
  kind: 'A' | 'B';
  /** A: [r, in]; B: [out, r]. A per-row graph's input is [B, …this] (one per batch row). */
  shape: [number, number];
  /** The input has a leading batch axis: each row of the batch has its own adapter (decode graphs with rowLora). */
  perRow?: boolean;
}

/** One dropout mask a training graph takes: [B, T, features]. */
export interface DropoutSpec {
  name: string;
  module: string;
  features: number;
}

export const dropoutMaskName = (module: string) => `${PEFT_PREFIX}${module}.lora_dropout.mask`;

/** A per-row graph's input [B]: each row's own α/r (per-row graphs only; absent when nothing is adapted). */
export const ROW_SCALING_INPUT = 'lora.row_scaling';

/** A: [r, in], B: [out, r], as PEFT stores them. */
export function loraShapes(m: Pick<AdaptableModule, 'inFeatures' | 'outFeatures'>, r: number): { a: [number, number]; b: [number, number] } {
  return { a: [r, m.inFeatures], b: [m.outFeatures, r] };
}

/**
 * The adapted linear layers of one graph. A model builder calls `apply` after each linear layer;
 * inputs are created for the modules the settings target, in the order the builder meets them
 * (the model's order), and `tensors` / `values` list them.
 */
export class LoraLayers {
  readonly tensors: LoraTensorSpec[] = [];
  readonly dropouts: DropoutSpec[] = [];
  /** The A/B inputs as graph values, in the order of `tensors` (what a training graph differentiates). */
  readonly values: Value[] = [];
  private readonly targets: ReadonlyMap<string, AdaptableModule>;
  private readonly scaling: number;
  /** The per-row scaling [B, 1, 1], made at the first adapted module. */
  private rowScaling: Value | undefined;

  constructor(
    private readonly g: GraphBuilder,
    config: ModelConfig,
    private readonly settings: LoraSettings | undefined,
    /** Training graphs take dropout masks when the settings' dropout is above 0. */
    private readonly training: boolean,
    /**
     * Each LoRA input has a leading batch axis, A [B, r, in] and B [B, out, r], so row b of the
     * batch computes x_b·A_bᵀ·B_bᵀ with its own adapter (a batched MatMul; a row with no adapter
     * is fed zeros), scaled by the row's own α/r from the input ROW_SCALING_INPUT [B] (so an
     * adapter of the session's rank is fed as stored, without a scaled copy). For serving several
     * adapters in one batch; inference only.
     */
    private readonly batchAxis = false,
  ) {
    if (batchAxis && training) throw new Error('per-row LoRA inputs are for inference graphs, not training');
    this.targets = settings ? new Map(selectModules(config, settings.targetModules).map((m) => [m.module, m])) : new Map();
    this.scaling = settings ? loraScaling(settings) : 0;
  }

  /** base + (dropout(x)·Aᵀ·Bᵀ)·scaling when `module` is adapted, else base. The rank-r path never forms B·A. */
  apply(x: Value, module: string, base: Value): Value {
    const m = this.targets.get(module);
    if (!m) return base;
    const g = this.g;
    const shapes = loraShapes(m, this.settings!.r);
    const keys = peftKeys(module);
    const a = this.input(keys.a, module, 'A', shapes.a);
    const b = this.input(keys.b, module, 'B', shapes.b);
    if (this.batchAxis) {
      // x [B, T, in] · Aᵀ [B, in, r] → [B, T, r] · Bᵀ [B, r, out] → [B, T, out], row by row.
      const low = g.matmul(x, g.transpose(a, [0, 2, 1]));
      this.rowScaling ??= g.unsqueeze(g.input(ROW_SCALING_INPUT, 'float', ['B']), [1, 2]);
      return g.add(base, g.mul(g.matmul(low, g.transpose(b, [0, 2, 1])), this.rowScaling));
    }
    let dropped = x;
    if (this.training && this.settings!.dropout > 0) {
      const name = dropoutMaskName(module);
      this.dropouts.push({ name, module, features: m.inFeatures });
      dropped = g.mul(x, g.input(name, 'float', ['B', 'T', m.inFeatures]));
    }
    const low = g.matmul(dropped, g.transpose(a));
    return g.add(base, g.mul(g.matmul(low, g.transpose(b)), this.scaling));
  }

  private input(name: string, module: string, kind: 'A' | 'B', shape: [number, number]): Value {
    this.tensors.push({ name, module, kind, shape, ...(this.batchAxis ? { perRow: true } : {}) });
    const v = this.g.input(name, 'float', this.batchAxis ? ['B', ...shape] : shape);
    this.values.push(v);
    return v;
  }
}

/**
 * An adapter's tensors by graph input name, checked against what the graph takes: every input
 * present with its shape, nothing left over (an adapter for other modules or another rank is an
 * error naming the first mismatch, not a silent partial load).
 */
export function loraFeeds(specs: readonly LoraTensorSpec[], adapter: LoraAdapter): Map<string, Float32Array> {
  const byModule = new Map(adapter.modules.map((m) => [m.module, m]));
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const m = byModule.get(s.module);
    if (!m) throw new Error(`adapter: no tensors for ${s.module}, which the graph adapts (targets ${JSON.stringify(adapter.settings.targetModules)}, rank ${adapter.settings.r})`);
    const data = s.kind === 'A' ? m.a : m.b;
    if (data.length !== s.shape[0] * s.shape[1]) throw new Error(`adapter: ${s.name} has ${data.length} values, the graph takes [${s.shape.join(', ')}] (rank ${adapter.settings.r}?)`);
    out.set(s.name, data);
  }
  const extra = adapter.modules.find((m) => !out.has(peftKeys(m.module).a));
  if (extra) throw new Error(`adapter: ${extra.module} is adapted, but the graph was built without it; build the graph from the adapter's settings`);
  return out;
}
