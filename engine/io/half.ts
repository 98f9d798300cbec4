/**
 * fp16 and bf16 <-> fp32 conversions over whole arrays, as tight loops over the bit patterns.
 * Widening is exact; narrowing rounds to nearest, ties to even (as PyTorch and NumPy do), keeps
 * signed zeros, infinities and NaN (a NaN stays a quiet NaN), and goes through subnormals.
 */

let f16Table: Uint32Array | undefined;

/** All 65,536 fp16 values as fp32 bit patterns: a lookup is faster than decoding each value. */
function f16ToF32Table(): Uint32Array {
  if (f16Table) return f16Table;
  const table = new Uint32Array(65536);
  const f = new Float32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
      // Infinity, or NaN with its payload moved to the top of fp32's mantissa.
      table[h] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    } else {
      // Every fp16 value, subnormals included, is exact in fp32.
      const magnitude = exp === 0 ? mant * 2 ** -24 : (1024 + mant) * 2 ** (exp - 25);
      f[h] = sign ? -magnitude : magnitude;
    }
  }
  f16Table = table;
  return table;
}

/** The fp16 bit pattern nearest to the fp32 value with bits `x` (round to nearest, ties to even). */
export function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00;
  const e = exp - 112; // the fp16 biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Below 2^-25 everything rounds to zero (exactly 2^-25 ties to the even 0).
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    // A carry out of the subnormal range gives 0x400, the smallest normal: still the right bits.
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry into the exponent is correct too, up to 0x7c00 (infinity).
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** The bf16 bit pattern nearest to the fp32 value with bits `x` (round to nearest, ties to even). */
export function f32BitsToBf16Bits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function f16BitsToF32Bits(h: number): number {
  return f16ToF32Table()[h & 0xffff]!;
}

function outputFor(n: number, out: Float32Array | undefined, what: string): Float32Array {
  if (!out) return new Float32Array(n);
  if (out.length !== n) throw new Error(`${what}: the output has ${out.length} elements, the input ${n}`);
  return out;
}

export function f16ToF32(src: Uint16Array, out?: Float32Array): Float32Array {
  const dst = outputFor(src.length, out, 'f16ToF32');
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  const table = f16ToF32Table();
  for (let i = 0; i < src.length; i++) bits[i] = table[src[i]!]!;
  return dst;
}

export function bf16ToF32(src: Uint16Array, out?: Float32Array): Float32Array {
  const dst = outputFor(src.length, out, 'bf16ToF32');
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
  return dst;
}

function narrow(src: Float32Array, out: Uint16Array | undefined, what: string, one: (bits: number) => number): Uint16Array {
  const dst = out ?? new Uint16Array(src.length);
  if (dst.length !== src.length) throw new Error(`${what}: the output has ${dst.length} elements, the input ${src.length}`);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) dst[i] = one(bits[i]!);
  return dst;
}

export function f32ToF16(src: Float32Array, out?: Uint16Array): Uint16Array {
  return narrow(src, out, 'f32ToF16', f32BitsToF16Bits);
}

export function f32ToBf16(src: Float32Array, out?: Uint16Array): Uint16Array {
  return narrow(src, out, 'f32ToBf16', f32BitsToBf16Bits);
}

/**
 * Widens n 16-bit values stored in the second half of `buffer` (bytes 2n..4n) to n fp32 values
 * filling all of it (bytes 0..4n), so a tensor read from disk is converted without a second
 * buffer. Walking forward is safe: output i covers input slots 2i and 2i+1, which are at or below
 * n+i, the slot read at that step, and every later read is above them.
 */
export function widenInPlace(buffer: ArrayBuffer, n: number, from: 'F16' | 'BF16'): Float32Array {
  if (buffer.byteLength !== n * 4) throw new Error(`widenInPlace: ${buffer.byteLength} bytes is not 4 × ${n} elements`);
  const halves = new Uint16Array(buffer);
  const bits = new Uint32Array(buffer);
  if (from === 'BF16') {
    for (let i = 0; i < n; i++) bits[i] = halves[n + i]! << 16;
  } else {
    const table = f16ToF32Table();
    for (let i = 0; i < n; i++) bits[i] = table[halves[n + i]!]!;
  }
  return new Float32Array(buffer);
}
