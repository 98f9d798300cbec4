/**
 * LoRA dropout masks drawn from the run's seeded Prng, as nn.Dropout(p) in training mode applies
 * them: each value is 0 with probability p, else 1/(1−p). One fresh mask per adapted module per
 * micro-batch, drawn in the graph's module order, so a seed (and a resumed Prng state) repeats them.
 */
import type { DropoutSpec } from '../models/lora';
import type { Prng } from './prng';

const TWO_POW_32 = 0x100000000;

/** Fills `out` with a mask: 32 random bits per value, dropped when below p·2³². */
export function fillDropoutMask(prng: Prng, out: Float32Array, p: number): Float32Array {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout probability must be in [0, 1), got ${p}`);
  const threshold = p * TWO_POW_32;
  const keep = Math.fround(1 / (1 - p));
  for (let i = 0; i < out.length; i++) out[i] = prng.nextU32() < threshold ? 0 : keep;
  return out;
}

/** One mask per dropout input for a [size, length] batch, in `specs` order. */
export function drawDropoutMasks(prng: Prng, specs: readonly DropoutSpec[], size: number, length: number, p: number): Map<string, Float32Array> {
  return new Map(specs.map((d) => [d.name, fillDropoutMask(prng, new Float32Array(size * length * d.features), p)]));
}
