import { keccak256 as reference } from 'ethereum-cryptography/keccak.js';
import { describe, expect, it } from 'vitest';
import { keccak256, keccak256Into, keccak256PairInto } from '../../shared/keccak';

// The reference is the Keccak that @openzeppelin/merkle-tree itself uses (ethereum-cryptography,
// i.e. @noble/hashes): an implementation independent of ours.
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Deterministic bytes that differ at every position and between lengths. */
function bytes(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761 + n) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

describe('keccak256', () => {
  it('matches the published vectors (Ethereum Keccak, not SHA3-256)', () => {
    expect(hex(keccak256(new Uint8Array(0)))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(hex(keccak256(utf8('abc')))).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    expect(hex(keccak256(utf8('The quick brown fox jumps over the lazy dog')))).toBe('4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15');
  });

  it('matches the reference for every length across the 136-byte block boundaries', () => {
    for (let n = 0; n <= 3 * 136 + 5; n++) {
      const d = bytes(n);
      expect(hex(keccak256(d)), `length ${n}`).toBe(hex(reference(d)));
    }
  });

  it('matches the reference on a long multi-block input (1 MiB + 7 bytes)', () => {
    const d = bytes(1024 * 1024 + 7, 3);
    expect(hex(keccak256(d))).toBe(hex(reference(d)));
  });

  it('hashes a range of a buffer into a range of another, leaving the rest alone', () => {
    const src = bytes(500, 1);
    const dst = new Uint8Array(40).fill(0xee);
    keccak256Into(src, 17, 300, dst, 5);
    expect(hex(dst.subarray(5, 37))).toBe(hex(reference(src.subarray(17, 317))));
    expect([...dst.subarray(0, 5), ...dst.subarray(37)].every((b) => b === 0xee)).toBe(true);
    expect(() => keccak256Into(src, 400, 101, dst, 0)).toThrow(RangeError);
    expect(() => keccak256Into(src, 0, 10, dst, 9)).toThrow(RangeError);
  });

  it('hashes two 32-byte pieces of one buffer as their concatenation, in the order given', () => {
    const src = bytes(128, 2);
    const out = new Uint8Array(32);
    keccak256PairInto(src, 64, 0, out, 0);
    expect(hex(out)).toBe(hex(reference(new Uint8Array([...src.subarray(64, 96), ...src.subarray(0, 32)]))));
    // In place, as the tree builder uses it: the output may overwrite one of the inputs.
    keccak256PairInto(src, 0, 32, src, 0);
    expect(hex(src.subarray(0, 32))).toBe(hex(reference(bytes(128, 2).subarray(0, 64))));
    expect(() => keccak256PairInto(src, 100, 0, out, 0)).toThrow(RangeError);
  });
});
