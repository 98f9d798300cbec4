import { SafetensorsFile } from '../io/safetensors-file';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-write';
import type { AdamW, AdamWOptions } from './adamw';

/**
 * AdamW's state in a safetensors file, for checkpoints and resume: `<name>.exp_avg` and
 * `<name>.exp_avg_sq` per parameter, and in the metadata the step count, the hyperparameters, and
 * whatever else the trainer needs back (the PRNG state, the data position) as strings. Loading
 * checks every parameter against the optimizer it is loaded into, so a checkpoint of another
 * adapter (other targets, another rank) is refused instead of half-applied.
 */

const FORMAT = 'datanet-studio-adamw/1';

export async function saveOptimizerState(path: string, opt: AdamW, extra: Readonly<Record<string, string>> = {}): Promise<void> {
  const tensors: TensorToWrite[] = [];
  opt.params.forEach((p, i) => {
    const dtype = p.data instanceof Float32Array ? 'F32' : 'F64';
    tensors.push({ name: `${p.name}.exp_avg`, dtype, shape: [p.data.length], data: opt.expAvg[i]! });
    tensors.push({ name: `${p.name}.exp_avg_sq`, dtype, shape: [p.data.length], data: opt.expAvgSq[i]! });
  });
  for (const k of Object.keys(extra)) if (k.startsWith('optimizer.')) throw new Error(`saveOptimizerState: metadata key ${k} is reserved`);
  await writeSafetensors(path, tensors, {
    ...extra,
    'optimizer.format': FORMAT,
    'optimizer.step': String(opt.step),
    'optimizer.options': JSON.stringify(opt.options),
  });
}

export interface LoadedOptimizerState {
  /** The hyperparameters it was saved with (the caller may keep its own). */
  options: Required<AdamWOptions>;
  /** The metadata the caller saved with it. */
  extra: Record<string, string>;
}

/** Restores the moments and step of `opt` from a file written by saveOptimizerState. */
export async function loadOptimizerState(path: string, opt: AdamW): Promise<LoadedOptimizerState> {
  const file = await SafetensorsFile.open(path);
  try {
    const meta = file.metadata;
    if (meta['optimizer.format'] !== FORMAT) throw new Error(`${path}: not an optimizer state (format ${JSON.stringify(meta['optimizer.format'] ?? null)}, expected ${FORMAT})`);
    const step = Number(meta['optimizer.step']);
    if (!Number.isInteger(step) || step < 0) throw new Error(`${path}: optimizer.step ${JSON.stringify(meta['optimizer.step'])} is not a step count`);
    const expected = new Set(opt.params.flatMap((p) => [`${p.name}.exp_avg`, `${p.name}.exp_avg_sq`]));
    const unknown = file.names.filter((n) => !expected.has(n));
    const missing = [...expected].filter((n) => !file.has(n));
    if (unknown.length || missing.length) {
      throw new Error(`${path}: the optimizer state does not match this adapter's parameters (missing: ${missing.join(', ') || 'none'}; unknown: ${unknown.join(', ') || 'none'})`);
    }
    const moments: Array<[Float32Array | Float64Array, Float32Array | Float64Array]> = [];
    for (const p of opt.params) {
      const pair = [] as unknown as [Float32Array | Float64Array, Float32Array | Float64Array];
      for (const suffix of ['exp_avg', 'exp_avg_sq'] as const) {
        const name = `${p.name}.${suffix}`;
        const info = file.info(name);
        if (info.shape.length !== 1 || info.shape[0] !== p.data.length) throw new Error(`${path}: ${name} has shape [${info.shape.join(', ')}], the parameter ${p.data.length} elements`);
        const data = info.dtype === 'F64' ? ((await file.read(name, 'native')) as Float64Array) : await file.read(name, 'f32');
        pair.push(data);
      }
      moments.push(pair);
    }
    // Only now, with everything read and checked, does the optimizer change.
    moments.forEach(([m, v], i) => {
      opt.expAvg[i]!.set(m);
      opt.expAvgSq[i]!.set(v);
    });
    opt.step = step;
    const extra = Object.fromEntries(Object.entries(meta).filter(([k]) => !k.startsWith('optimizer.')));
    return { options: JSON.parse(meta['optimizer.options'] ?? '{}') as Required<AdamWOptions>, extra };
  } finally {
    await file.close();
  }
}
