/**
 * Merging a LoRA adapter into its base model, as PEFT's merge_and_unload does: each adapted
 * weight becomes W + (α/r)·B·A, so the merged model computes the adapted one with no LoRA inputs
 * (and runs on any tool that reads a Hugging Face folder).
 *
 * Layouts: nn.Linear stores W [out, in], and B·A is [out, in]; GPT-2's Conv1D stores W [in, out]
 * (PEFT's fan_in_fan_out), so it gets (B·A)ᵀ. The sum is taken in float64 and rounded once to
 * the weight's own dtype (F32, F16 or BF16, as the base stores it); every other tensor is copied
 * byte for byte under its own name.
 *
 * The output folder gets one model.safetensors (a sharded base is written unsharded) and a copy
 * of every other file of the base folder (config.json, generation_config.json, tokenizer files),
 * but no other weight formats.
 */
import fs from 'node:fs';
import path from 'node:path';
import { f32ToBf16, f32ToF16, openCheckpoint, writeSafetensors, type TensorToWrite } from '../io/index';
import { loraScaling, type LoraAdapter, type LoraModuleTensors } from '../lora-io/adapter';
import { loadModelConfig } from '../models/config';
import { ModelWeights } from '../models/weights';
import { checkAdapter } from './lora-slots';

// Weight files of the base are not copied: the merged safetensors replaces them.
const WEIGHT_FILE = /(\.safetensors|\.safetensors\.index\.json|\.bin|\.bin\.index\.json|\.pt|\.pth|\.ckpt|\.h5|\.msgpack|\.onnx|\.onnx_data|\.gguf)$/;

export async function mergeAdapter(modelDir: string, adapter: LoraAdapter, outDir: string): Promise<void> {
  const config = loadModelConfig(modelDir);
  checkAdapter(adapter, config, 'merge');
  if (path.resolve(outDir) === path.resolve(modelDir)) throw new Error(`merge: the output folder ${outDir} is the base model's folder; choose another`);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) throw new Error(`merge: the output folder ${outDir} is not empty`);
  const gpt2 = config.modelType === 'gpt2';
  // The Hub's original GPT-2 checkpoints name tensors without "transformer.".
  const weights = new ModelWeights(await openCheckpoint(modelDir), gpt2 ? 'transformer.' : '');
  try {
    const merged = new Map<string, LoraModuleTensors>();
    for (const m of adapter.modules) {
      const stored = weights.resolve(`${m.module}.weight`);
      if (!stored) throw new Error(`merge: the base has no weight for ${m.module}, which the adapter adapts`);
      merged.set(stored, m);
    }
    const scaling = loraScaling(adapter.settings);
    const tensors: TensorToWrite[] = [];
    for (const name of weights.checkpoint.names) {
      const info = weights.checkpoint.info(name);
      const m = merged.get(name);
      if (!m) {
        tensors.push({ name, dtype: info.dtype, shape: info.shape, data: await weights.checkpoint.read(name, 'raw') });
        continue;
      }
      const want = gpt2 ? [m.inFeatures, m.outFeatures] : [m.outFeatures, m.inFeatures];
      if (info.shape.length !== 2 || info.shape[0] !== want[0] || info.shape[1] !== want[1]) {
        throw new Error(`merge: ${name} is [${info.shape.join(', ')}], the adapter's ${m.module} needs [${want.join(', ')}]`);
      }
      const w = addLowRank(await weights.checkpoint.read(name, 'f32'), m, adapter.settings.r, scaling, gpt2);
      tensors.push({ name, dtype: info.dtype, shape: info.shape, data: toDtype(w, info.dtype, name) });
    }
    fs.mkdirSync(outDir, { recursive: true });
    await writeSafetensors(path.join(outDir, 'model.safetensors'), tensors, { format: 'pt' });
  } finally {
    await weights.close();
  }
  for (const entry of fs.readdirSync(modelDir, { withFileTypes: true })) {
    if (entry.isFile() && !WEIGHT_FILE.test(entry.name)) fs.copyFileSync(path.join(modelDir, entry.name), path.join(outDir, entry.name));
  }
}

/** w + s·B·A ([out, in]), or w + s·(B·A)ᵀ ([in, out]) for Conv1D; each sum in float64, rounded once. In place. Also the GGUF export's merge. */
export function addLowRank(w: Float32Array, m: LoraModuleTensors, r: number, s: number, inOut: boolean): Float32Array {
  const nIn = m.inFeatures;
  const row = new Float64Array(nIn);
  for (let o = 0; o < m.outFeatures; o++) {
    row.fill(0);
    for (let j = 0; j < r; j++) {
      const coef = m.b[o * r + j]!;
      if (coef === 0) continue;
      const a = m.a.subarray(j * nIn, (j + 1) * nIn);
      for (let i = 0; i < nIn; i++) row[i] = row[i]! + coef * a[i]!;
    }
    if (inOut) for (let i = 0; i < nIn; i++) w[i * m.outFeatures + o] = w[i * m.outFeatures + o]! + s * row[i]!;
    else for (let i = 0; i < nIn; i++) w[o * nIn + i] = w[o * nIn + i]! + s * row[i]!;
  }
  return w;
}

function toDtype(w: Float32Array, dtype: string, name: string): ArrayBufferView {
  if (dtype === 'F32') return w;
  if (dtype === 'F16') return f32ToF16(w);
  if (dtype === 'BF16') return f32ToBf16(w);
  throw new Error(`merge: ${name} is ${dtype}; only F32, F16 and BF16 weights can be merged`);
}
