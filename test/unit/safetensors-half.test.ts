import { describe, expect, it } from 'vitest';
import {
  bf16ToF32,
  f16BitsToF32Bits,
  f16ToF32,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
  f32ToBf16,
  f32ToF16,
  widenInPlace,
} from '../../engine/io/half';

const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0]!;
const fromBits = (b: number) => new Float32Array(Uint32Array.of(b).buffer)[0]!;
const hex = (n: number) => `0x${n.toString(16)}`;

describe('fp16 -> fp32', () => {
  // Values from the IEEE 754 binary16 tables (Wikipedia, "Half-precision floating-point format").
  const known: [number, number][] = [
    [0x0000, 0],
    [0x0001, 5.960464477539063e-8], // smallest subnormal, 2^-24
    [0x03ff, 6.097555160522461e-5], // largest subnormal
    [0x0400, 6.103515625e-5], // smallest normal, 2^-14
    [0x3555, 0.333251953125],
    [0x3bff, 0.99951171875],
    [0x3c00, 1],
    [0x3c01, 1.0009765625],
    [0x7bff, 65504],
    [0xc000, -2],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  it.each(known)('%s decodes to %s', (h, v) => {
    expect(fromBits(f16BitsToF32Bits(h))).toBe(v);
    expect(f16ToF32(Uint16Array.of(h))[0]).toBe(v);
  });

  it('keeps -0 and NaN', () => {
    expect(Object.is(f16ToF32(Uint16Array.of(0x8000))[0], -0)).toBe(true);
    expect(f16ToF32(Uint16Array.of(0x7e00))[0]).toBeNaN();
    expect(f16ToF32(Uint16Array.of(0xfd01))[0]).toBeNaN();
  });

  it('agrees with sign × 2^(e-15) × 1.m (2^-14 × 0.m below) for all 65,536 patterns, and narrows back to the same bits', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const wide = f16ToF32(all);
    const back = f32ToF16(wide);
    for (let h = 0; h < 65536; h++) {
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const want = e === 31 ? (m ? NaN : s * Infinity) : e === 0 ? s * 2 ** -14 * (m / 1024) : s * 2 ** (e - 15) * (1 + m / 1024);
      if (Number.isNaN(want)) expect(wide[h], hex(h)).toBeNaN();
      else expect(Object.is(wide[h], want), `${hex(h)}: ${wide[h]} vs ${want}`).toBe(true);
      // NaN payloads survive too (a signalling NaN's quiet bit is set, which these already have or gain).
      const expected = e === 31 && m ? h | 0x200 : h;
      if (back[h] !== expected) expect(hex(back[h]!), `round trip of ${hex(h)}`).toBe(hex(expected));
    }
  });
});

describe('fp32 -> fp16 rounding', () => {
  const cases: [string, number, number][] = [
    ['1 + 2^-11 ties to even (down)', 1 + 2 ** -11, 0x3c00],
    ['1 + 3·2^-11 ties to even (up)', 1 + 3 * 2 ** -11, 0x3c02],
    ['just above the tie rounds up', fromBits(bitsOf(1 + 2 ** -11) + 1), 0x3c01],
    ['65519 stays finite', 65519, 0x7bff],
    ['65520 ties to even: infinity', 65520, 0x7c00],
    ['1e6 overflows to infinity', 1e6, 0x7c00],
    ['-1e6 overflows to -infinity', -1e6, 0xfc00],
    ['2^-25 ties to even: zero', 2 ** -25, 0x0000],
    ['just above 2^-25 rounds to the smallest subnormal', fromBits(bitsOf(2 ** -25) + 1), 0x0001],
    ['3·2^-25 ties to even: 2·2^-24', 3 * 2 ** -25, 0x0002],
    ['5·2^-25 ties to even: 2·2^-24', 5 * 2 ** -25, 0x0002],
    ['the largest subnormal plus half a step carries into the smallest normal', 6.097555160522461e-5 + 2 ** -25, 0x0400],
    ['an fp32 subnormal underflows to zero', 1e-40, 0x0000],
    ['-2^-26 underflows to -0', -(2 ** -26), 0x8000],
    ['1/3', 1 / 3, 0x3555],
    ['infinity', Infinity, 0x7c00],
  ];
  it.each(cases)('%s', (_, value, want) => {
    expect(hex(f32BitsToF16Bits(bitsOf(value)))).toBe(hex(want));
    expect(hex(f32ToF16(Float32Array.of(value))[0]!)).toBe(hex(want));
  });

  it('NaN stays NaN, with its sign', () => {
    const h = f32BitsToF16Bits(0xffc00001);
    expect(h & 0xfc00).toBe(0xfc00);
    expect(h & 0x3ff).not.toBe(0);
    expect(f32BitsToF16Bits(0x7f800001) & 0x3ff).not.toBe(0); // a payload only in the low bits still gives NaN, not infinity
  });
});

describe('bf16', () => {
  const known: [number, number][] = [
    [0x3f80, 1],
    [0x4049, 3.140625],
    [0xc000, -2],
    [0x7f7f, 3.3895313892515355e38], // largest finite
    [0x0080, 1.1754943508222875e-38], // smallest normal
    [0x0001, 9.183549615799121e-41], // smallest subnormal
    [0x7f80, Infinity],
    [0xff80, -Infinity],
  ];
  it.each(known)('%s decodes to %s', (h, v) => {
    expect(bf16ToF32(Uint16Array.of(h))[0]).toBe(v);
  });

  it('keeps -0 and NaN', () => {
    expect(Object.is(bf16ToF32(Uint16Array.of(0x8000))[0], -0)).toBe(true);
    expect(bf16ToF32(Uint16Array.of(0x7fc0))[0]).toBeNaN();
  });

  const rounding: [string, number, number][] = [
    ['1 + 2^-8 ties to even (down)', 1 + 2 ** -8, 0x3f80],
    ['1 + 3·2^-8 ties to even (up)', 1 + 3 * 2 ** -8, 0x3f82],
    ['just above the tie rounds up', fromBits(0x3f808001), 0x3f81],
    ['pi', Math.PI, 0x4049],
    ['the largest fp32 rounds to infinity', fromBits(0x7f7fffff), 0x7f80],
    ['a subnormal rounds within the subnormals', fromBits(0x00018000), 0x0002],
  ];
  it.each(rounding)('%s', (_, value, want) => {
    expect(hex(f32ToBf16(Float32Array.of(value))[0]!)).toBe(hex(want));
  });

  it('NaN narrows to a quiet NaN, even one whose payload is only in the dropped bits', () => {
    const h = f32BitsToBf16Bits(0x7f800001);
    expect(h & 0x7f80).toBe(0x7f80);
    expect(h & 0x7f).not.toBe(0);
  });

  it('every bf16 pattern widens and narrows back to itself', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = f32ToBf16(bf16ToF32(all));
    const nan = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
    for (let h = 0; h < 65536; h++) {
      const expected = nan(h) ? h | 0x40 : h;
      if (back[h] !== expected) expect(hex(back[h]!), hex(h)).toBe(hex(expected));
    }
  });
});

describe('widenInPlace', () => {
  it.each(['F16', 'BF16'] as const)('%s: gives the same values as the two-buffer conversion', (kind) => {
    const n = 1001;
    const halves = new Uint16Array(n).map((_, i) => (i * 2654435761) >>> 16);
    const want = kind === 'F16' ? f16ToF32(halves) : bf16ToF32(halves);
    const buffer = new ArrayBuffer(n * 4);
    new Uint16Array(buffer, n * 2, n).set(halves);
    const got = widenInPlace(buffer, n, kind);
    expect(got.buffer).toBe(buffer);
    expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => widenInPlace(new ArrayBuffer(10), 3, 'F16')).toThrow(/10 bytes is not 4 × 3/);
  });
});
