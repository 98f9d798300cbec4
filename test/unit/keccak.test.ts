import { keccak256 as reference } from 'ethereum-cryptography/keccak.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { keccak256, keccak256Into, keccak256PairInto } from '../../shared/keccak';
import type * as KeccakModule from '../../shared/keccak';

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

// shared/keccak.ts has two implementations, chosen once when it loads: WebAssembly where the engine
// allows it (Node: the tests above), plain JS where it does not (a page whose CSP lacks
// 'wasm-unsafe-eval', an engine without WebAssembly). Both run the same checks here, each on a
// fresh copy of the module loaded under a stubbed WebAssembly global.

type Keccak = typeof KeccakModule;
interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}
const realWasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

/** A fresh evaluation of shared/keccak.ts that sees `wasm` as the WebAssembly global. */
async function loadWith(wasm: WasmGlobal | undefined): Promise<Keccak> {
  vi.resetModules();
  vi.stubGlobal('WebAssembly', wasm);
  try {
    return await import('../../shared/keccak');
  } finally {
    vi.unstubAllGlobals();
    vi.resetModules();
  }
}

describe('keccak256 implementations', () => {
  const compiled: number[] = [];
  let instantiated = 0;
  const counting: WasmGlobal = {
    Module: class extends realWasm.Module {
      constructor(bytes: Uint8Array) {
        super(bytes);
        compiled.push(bytes.length);
      }
    },
    Instance: class extends realWasm.Instance {
      constructor(module: object, imports: object) {
        super(module, imports);
        instantiated++;
      }
    },
  };
  const refused: WasmGlobal = {
    // What a page whose Content-Security-Policy lacks 'wasm-unsafe-eval' does: compiling throws.
    Module: new Proxy(realWasm.Module, {
      construct: () => {
        throw new Error('WebAssembly.Module(): Refused to compile or instantiate WebAssembly module');
      },
    }),
    Instance: realWasm.Instance,
  };
  const impls: Record<'wasm' | 'js' | 'refused', Keccak> = {} as Record<'wasm' | 'js' | 'refused', Keccak>;
  beforeAll(async () => {
    impls.wasm = await loadWith(counting);
    impls.js = await loadWith(undefined);
    impls.refused = await loadWith(refused);
  });

  it('uses WebAssembly where it can, with a module a browser may compile synchronously (under 4 KB)', () => {
    expect(instantiated).toBe(1);
    expect(compiled).toHaveLength(1);
    expect(compiled[0]).toBeLessThan(4096);
  });

  describe.each(['wasm', 'js', 'refused'] as const)('%s', (name) => {
    const k = () => impls[name];

    it('matches the reference for every length across three block boundaries, at unaligned offsets', () => {
      const src = bytes(3 * 136 + 20, 5);
      const dst = new Uint8Array(40);
      for (let n = 0; n <= 3 * 136 + 5; n++) {
        k().keccak256Into(src, 3, n, dst, 5);
        expect(hex(dst.subarray(5, 37)), `length ${n}`).toBe(hex(reference(src.subarray(3, 3 + n))));
      }
    });

    it('matches the reference on the lengths its special cases and block edges meet', () => {
      for (const n of [0, 1, 31, 32, 33, 63, 64, 65, 135, 136, 137, 200, 271, 272, 273, 1000]) {
        const d = bytes(n, n);
        expect(hex(k().keccak256(d)), `length ${n}`).toBe(hex(reference(d)));
      }
    });

    it('matches the reference on long inputs, across the 65,008-byte chunks the WebAssembly path copies in', () => {
      for (const n of [65_007, 65_008, 65_009, 2 * 65_008 + 135, 1024 * 1024 + 7]) {
        const d = bytes(n, 7);
        expect(hex(k().keccak256(d)), `length ${n}`).toBe(hex(reference(d)));
      }
    });

    it('gives each hash a fresh state, whatever came before', () => {
      const long = bytes(5000, 8), short = bytes(32, 9);
      const first = hex(k().keccak256(short));
      k().keccak256(long);
      expect(hex(k().keccak256(short))).toBe(first);
      expect(first).toBe(hex(reference(short)));
    });

    it('hashes Merkle pairs, in either order and in place', () => {
      const src = bytes(200, 10);
      const out = new Uint8Array(40);
      for (const [a, b] of [[0, 32], [32, 0], [7, 101], [150, 3], [64, 64]] as const) {
        k().keccak256PairInto(src, a, b, out, 3);
        expect(hex(out.subarray(3, 35)), `${a}, ${b}`).toBe(hex(reference(new Uint8Array([...src.subarray(a, a + 32), ...src.subarray(b, b + 32)]))));
      }
      const copy = src.slice();
      k().keccak256PairInto(copy, 40, 8, copy, 8);
      expect(hex(copy.subarray(8, 40))).toBe(hex(reference(new Uint8Array([...src.subarray(40, 72), ...src.subarray(8, 40)]))));
      k().keccak256Into(copy, 100, 32, copy, 100);
      expect(hex(copy.subarray(100, 132))).toBe(hex(reference(src.subarray(100, 132))));
    });

    it('refuses ranges outside the buffers', () => {
      const src = bytes(100, 11), out = new Uint8Array(32);
      expect(() => k().keccak256Into(src, 90, 11, out, 0)).toThrow(RangeError);
      expect(() => k().keccak256Into(src, -1, 10, out, 0)).toThrow(RangeError);
      expect(() => k().keccak256Into(src, 0, 10, out, 1)).toThrow(RangeError);
      expect(() => k().keccak256PairInto(src, 69, 0, out, 0)).toThrow(RangeError);
      expect(() => k().keccak256PairInto(src, 0, 0, out, 1)).toThrow(RangeError);
    });
  });
});
