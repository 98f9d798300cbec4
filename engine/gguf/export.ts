import path from 'node:path';
import { addLowRank } from '../generate/merge-adapter';
import { checkAdapter } from '../generate/lora-slots';
import { openCheckpoint, type Checkpoint } from '../io/index';
import { loraScaling, type LoraAdapter, type LoraModuleTensors } from '../lora-io/adapter';
import { loadModelConfig, type ModelConfig } from '../models/config';
import { addHyperparameters, ggufArch, llama3RopeFactors, mapTensor, rearrange, rearrangedShape, tensorType, type GgufArch, type MappedTensor } from './architecture';
import { EXPORT_TYPES, FILE_TYPE, GGML_QUANT_VERSION, type ExportType } from './format';
import { GgufMetadata } from './metadata';
import { addTokenizer } from './vocab';
import { writeGguf, type GgufTensorSource } from './writer';

/**
 * A model folder to one GGUF file that llama.cpp (and so Ollama and LM Studio) loads: the base
 * model; the base with a LoRA adapter merged (W + (α/r)·B·A, the arithmetic of
 * engine/generate/merge-adapter.ts, before the GGUF rearrangement); or the adapter alone as a
 * GGUF LoRA (general.type "adapter", applied by llama.cpp on the base GGUF at load).
 *
 * The adapter file is what convert_lora_to_gguf.py writes: adapter.type "lora",
 * adapter.lora.alpha, and per adapted weight "<GGUF weight name>.lora_a" = A [r, in] and
 * ".lora_b" = B [out, r] (ggml ne [in, r] and [r, out]: llama.cpp computes B·(A·x)·α/r). Llama's
 * q/k permutation is a permutation of W's rows, so it applies to B's rows. GPT-2 differs from the
 * script on purpose: PEFT's A and B for a Conv1D layer already have the nn.Linear orientation
 * (B·A is [out, in], the transposed Conv1D weight's shape), so they are written as they are; the
 * script transposes them like the base weight, which llama.cpp then rejects (or, for a square
 * c_proj, silently applies transposed).
 */

export type GgufExportKind = 'model' | 'merged' | 'adapter';

export interface ExportGgufOptions {
  modelDir: string;
  /** With merge, merged into the model; without, written alone as a GGUF LoRA. */
  adapter?: LoraAdapter;
  merge?: boolean;
  type: ExportType;
  out: string;
  /** general.name; default the model folder's name. */
  name?: string;
  onProgress?: (written: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ExportGgufResult {
  out: string;
  kind: GgufExportKind;
  bytes: number;
  tensors: number;
}

export async function exportGguf(options: ExportGgufOptions): Promise<ExportGgufResult> {
  if (!EXPORT_TYPES.includes(options.type)) throw new Error(`GGUF export: type must be one of ${EXPORT_TYPES.join(', ')}, got ${JSON.stringify(options.type)}`);
  if (options.merge && !options.adapter) throw new Error('GGUF export: merge needs an adapter');
  const config = loadModelConfig(options.modelDir);
  const arch = ggufArch(config);
  if (options.adapter) checkAdapter(options.adapter, config, 'GGUF export');
  const kind: GgufExportKind = !options.adapter ? 'model' : options.merge ? 'merged' : 'adapter';
  const md = new GgufMetadata();
  md.string('general.architecture', arch);
  md.string('general.type', kind === 'adapter' ? 'adapter' : 'model');
  md.string('general.name', options.name ?? path.basename(path.resolve(options.modelDir)));
  md.u32('general.quantization_version', GGML_QUANT_VERSION);

  const checkpoint = await openCheckpoint(options.modelDir);
  try {
    let tensors: GgufTensorSource[];
    if (kind === 'adapter') {
      md.string('adapter.type', 'lora');
      md.f32('adapter.lora.alpha', options.adapter!.settings.alpha);
      tensors = adapterTensors(config, checkpoint, options.adapter!, options.type);
    } else {
      md.u32('general.file_type', FILE_TYPE[options.type]);
      addHyperparameters(md, config, arch);
      addTokenizer(md, options.modelDir, config);
      tensors = modelTensors(config, arch, checkpoint, options.type, kind === 'merged' ? options.adapter! : null);
    }
    const { bytes } = await writeGguf(options.out, md, tensors, { onProgress: options.onProgress, signal: options.signal });
    return { out: options.out, kind, bytes, tensors: tensors.length };
  } finally {
    await checkpoint.close();
  }
}

/** blk.<n> tensors in layer order, the rest first (the converter's order is the checkpoint's; any order loads). */
function byLayer(a: { name: string }, b: { name: string }): number {
  const layer = (n: string) => Number(/^blk\.(\d+)\./.exec(n)?.[1] ?? -1);
  return layer(a.name) - layer(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function modelTensors(config: ModelConfig, arch: GgufArch, checkpoint: Checkpoint, type: ExportType, adapter: LoraAdapter | null): GgufTensorSource[] {
  // Adapted weights by checkpoint name (GPT-2's may lack the "transformer." prefix).
  const adapted = new Map<string, LoraModuleTensors>();
  for (const m of adapter?.modules ?? []) {
    const name = [`${m.module}.weight`, m.module.replace(/^transformer\./, '') + '.weight'].find((n) => checkpoint.has(n));
    if (!name) throw new Error(`GGUF export: the base has no weight for ${m.module}, which the adapter adapts`);
    adapted.set(name, m);
  }
  const out: GgufTensorSource[] = [];
  for (const hfName of checkpoint.names) {
    const mapped = mapTensor(config, hfName);
    if (!mapped) continue;
    const stored = checkpoint.info(hfName).shape;
    const shape = rearrangedShape(stored, mapped.rearrange);
    const m = adapted.get(hfName);
    out.push({
      name: mapped.name,
      shape,
      type: tensorType(type, mapped.name, shape),
      values: async () => {
        let w = await checkpoint.read(hfName, 'f32');
        if (m) w = mergeModule(w, stored, m, adapter!, config.modelType === 'gpt2', hfName);
        return rearrange(w, stored, mapped.rearrange);
      },
    });
  }
  const ropeFactors = llama3RopeFactors(config);
  if (ropeFactors) {
    if (arch !== 'llama') throw new Error(`GGUF export: llama3 RoPE scaling is carried by llama.cpp's llama architecture only, not ${arch}`);
    out.push({ name: 'rope_freqs.weight', shape: [ropeFactors.length], type: 'F32', values: () => ropeFactors });
  }
  return out.sort(byLayer);
}

function mergeModule(w: Float32Array, stored: readonly number[], m: LoraModuleTensors, adapter: LoraAdapter, inOut: boolean, name: string): Float32Array {
  const want = inOut ? [m.inFeatures, m.outFeatures] : [m.outFeatures, m.inFeatures];
  if (stored.length !== 2 || stored[0] !== want[0] || stored[1] !== want[1]) {
    throw new Error(`GGUF export: ${name} is [${stored.join(', ')}], the adapter's ${m.module} needs [${want.join(', ')}]`);
  }
  return addLowRank(w, m, adapter.settings.r, loraScaling(adapter.settings), inOut);
}

function adapterTensors(config: ModelConfig, checkpoint: Checkpoint, adapter: LoraAdapter, type: ExportType): GgufTensorSource[] {
  const r = adapter.settings.r;
  const out: GgufTensorSource[] = [];
  for (const m of adapter.modules) {
    const hfName = [`${m.module}.weight`, m.module.replace(/^transformer\./, '') + '.weight'].find((n) => checkpoint.has(n)) ?? `${m.module}.weight`;
    const mapped: MappedTensor | null = mapTensor(config, hfName);
    if (!mapped) throw new Error(`GGUF export: ${m.module} has no GGUF weight to adapt`);
    const aName = `${mapped.name}.lora_a`;
    const bName = `${mapped.name}.lora_b`;
    const aShape = [r, m.inFeatures];
    const bShape = [m.outFeatures, r];
    // Only B carries W's row order; a transpose (GPT-2's Conv1D) is already undone by PEFT's layout.
    const bRearrange = mapped.rearrange.kind === 'permute-heads' ? mapped.rearrange : ({ kind: 'none' } as const);
    out.push(
      { name: aName, shape: aShape, type: tensorType(type, aName, aShape), values: () => m.a },
      { name: bName, shape: bShape, type: tensorType(type, bName, bShape), values: () => rearrange(m.b, bShape, bRearrange) },
    );
  }
  return out.sort(byLayer);
}
