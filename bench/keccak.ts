// Keccak-256 in shared/keccak.ts against the pure-JS implementation it replaced (copied at the end
// of this file as the baseline), in the same run: µs per hash for 32-byte inputs (Merkle leaves),
// 64-byte ones (Merkle pairs, through keccak256Into and keccak256PairInto) and 200-byte ones (two
// blocks, about a canonical record). shared/keccak.ts runs twice: as imported here, where Node
// gives it WebAssembly, and a second copy bundled the way out/node is (esbuild) and loaded with the
// WebAssembly global hidden, which takes its plain-JS path (what a page whose CSP lacks
// 'wasm-unsafe-eval' gets). Each figure is the best of ROUNDS runs, the implementations taking
// turns (on a shared machine the fastest run is the least disturbed one); every implementation is
// checked against ethereum-cryptography's keccak first.
//
//   node scripts/run-ts.mjs bench/keccak.ts [hashes=200000] [rounds=7]     (from the repository root)
import { build } from 'esbuild';
import { keccak256 as reference } from 'ethereum-cryptography/keccak.js';
import * as current from '../shared/keccak';

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 7);

interface Impl {
  keccak256Into: typeof current.keccak256Into;
  keccak256PairInto: typeof current.keccak256PairInto;
}

/** shared/keccak.ts again, bundled on its own, as a separate module instance that finds no WebAssembly global. */
async function loadJsOnly(): Promise<Impl> {
  const { outputFiles } = await build({ entryPoints: ['shared/keccak.ts'], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'warning' });
  const code = outputFiles[0]!.text;
  const g = globalThis as { WebAssembly?: unknown };
  const saved = g.WebAssembly;
  delete g.WebAssembly;
  try {
    return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Impl;
  } finally {
    g.WebAssembly = saved;
  }
}

const impls: [string, Impl][] = [
  ['old (pure JS)', baseline()],
  ['new, plain-JS path', await loadJsOnly()],
  ['new, WebAssembly path', current],
];

const buf = new Uint8Array(1024 * 200 + 64);
for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 24;
const out = new Uint8Array(1024 * 32);

// Correctness first, on every size and for the pair entry point.
for (const [name, impl] of impls) {
  for (const len of [0, 1, 31, 32, 33, 64, 135, 136, 137, 200, 272, 1000]) {
    impl.keccak256Into(buf, 7, len, out, 0);
    if (Buffer.compare(out.subarray(0, 32), reference(buf.subarray(7, 7 + len))) !== 0) throw new Error(`${name}: wrong hash of ${len} bytes`);
  }
  impl.keccak256PairInto(buf, 96, 0, out, 0);
  if (Buffer.compare(out.subarray(0, 32), reference(new Uint8Array([...buf.subarray(96, 128), ...buf.subarray(0, 32)]))) !== 0) throw new Error(`${name}: wrong pair hash`);
}

const cases: [string, (impl: Impl) => void][] = [
  ['32 B (keccak256Into)', (k) => { for (let i = 0; i < N; i++) k.keccak256Into(buf, (i & 1023) * 32, 32, out, (i & 1023) * 32); }],
  ['64 B (keccak256Into)', (k) => { for (let i = 0; i < N; i++) k.keccak256Into(buf, (i & 1023) * 64, 64, out, (i & 1023) * 32); }],
  ['64 B (keccak256PairInto)', (k) => { for (let i = 0; i < N; i++) k.keccak256PairInto(buf, (i & 1023) * 32, ((i + 1) & 1023) * 32, out, (i & 1023) * 32); }],
  ['200 B (keccak256Into)', (k) => { for (let i = 0; i < N; i++) k.keccak256Into(buf, (i & 1023) * 200, 200, out, (i & 1023) * 32); }],
];

console.log(`Keccak-256, µs per hash, best of ${ROUNDS} runs of ${N.toLocaleString('en-US')} hashes; (n×) = old time / new time. Node ${process.versions.node}`);
for (const [label, run] of cases) {
  const times = impls.map((): number[] => []);
  for (let r = 0; r < ROUNDS; r++) {
    impls.forEach(([, impl], k) => {
      const t = performance.now();
      run(impl);
      times[k]!.push(((performance.now() - t) * 1000) / N);
    });
  }
  const us = times.map((xs) => Math.min(...xs));
  const base = us[0]!;
  console.log(`${label.padEnd(26)} ${impls.map(([name], k) => `${name} ${us[k]!.toFixed(3)}${k ? ` (${(base / us[k]!).toFixed(2)}×)` : ''}`).join('   ')}`);
}

// ---------------------------------------------------------------------------------------------
// The baseline: shared/keccak.ts as it was before this change (one written-out round over an
// Int32Array state), verbatim but inside a function: at the top level of a bundle its state would
// be a `var`, which V8 optimizes worse (in this very file ~3× worse; ~1.65 µs a hash in
// bench/merkle.ts), and the baseline should be measured at its best.

function baseline(): Impl {
  const RATE_WORDS = 34; // 136-byte rate = 1600 - 2·256 bits of capacity
  const RATE = RATE_WORDS * 4;

  /** Round constants from the spec's LFSR (x⁸ + x⁶ + x⁵ + x⁴ + 1): bit 2ʲ − 1 of round r is one output bit. */
  const RC = new Int32Array(48);
  {
    let R = 1;
    for (let r = 0; r < 24; r++) {
      for (let j = 0; j < 7; j++) {
        R = ((R << 1) ^ ((R >> 7) * 0x71)) & 0xff;
        if (R & 2) {
          const bit = (1 << j) - 1;
          RC[2 * r + (bit >> 5)]! |= 1 << (bit & 31);
        }
      }
    }
  }

  const s = new Int32Array(50);

  function permute(): void {
    for (let r = 0; r < 48; r += 2) {
      // θ: column parities c, then d[x] = c[x-1] ^ rotl1(c[x+1]), applied to every lane as it is read below.
      const c0 = s[0]! ^ s[10]! ^ s[20]! ^ s[30]! ^ s[40]!, c1 = s[1]! ^ s[11]! ^ s[21]! ^ s[31]! ^ s[41]!;
      const c2 = s[2]! ^ s[12]! ^ s[22]! ^ s[32]! ^ s[42]!, c3 = s[3]! ^ s[13]! ^ s[23]! ^ s[33]! ^ s[43]!;
      const c4 = s[4]! ^ s[14]! ^ s[24]! ^ s[34]! ^ s[44]!, c5 = s[5]! ^ s[15]! ^ s[25]! ^ s[35]! ^ s[45]!;
      const c6 = s[6]! ^ s[16]! ^ s[26]! ^ s[36]! ^ s[46]!, c7 = s[7]! ^ s[17]! ^ s[27]! ^ s[37]! ^ s[47]!;
      const c8 = s[8]! ^ s[18]! ^ s[28]! ^ s[38]! ^ s[48]!, c9 = s[9]! ^ s[19]! ^ s[29]! ^ s[39]! ^ s[49]!;
      const d0 = c8 ^ ((c2 << 1) | (c3 >>> 31)), d1 = c9 ^ ((c3 << 1) | (c2 >>> 31));
      const d2 = c0 ^ ((c4 << 1) | (c5 >>> 31)), d3 = c1 ^ ((c5 << 1) | (c4 >>> 31));
      const d4 = c2 ^ ((c6 << 1) | (c7 >>> 31)), d5 = c3 ^ ((c7 << 1) | (c6 >>> 31));
      const d6 = c4 ^ ((c8 << 1) | (c9 >>> 31)), d7 = c5 ^ ((c9 << 1) | (c8 >>> 31));
      const d8 = c6 ^ ((c0 << 1) | (c1 >>> 31)), d9 = c7 ^ ((c1 << 1) | (c0 >>> 31));
      // ρ and π: lane (x, y) rotated by its offset lands at (y, 2x + 3y) as b.
      const b0 = s[0]! ^ d0, b1 = s[1]! ^ d1;
      const t2 = s[2]! ^ d2, t3 = s[3]! ^ d3, b20 = (t2 << 1) | (t3 >>> 31), b21 = (t3 << 1) | (t2 >>> 31);
      const t4 = s[4]! ^ d4, t5 = s[5]! ^ d5, b40 = (t5 << 30) | (t4 >>> 2), b41 = (t4 << 30) | (t5 >>> 2);
      const t6 = s[6]! ^ d6, t7 = s[7]! ^ d7, b10 = (t6 << 28) | (t7 >>> 4), b11 = (t7 << 28) | (t6 >>> 4);
      const t8 = s[8]! ^ d8, t9 = s[9]! ^ d9, b30 = (t8 << 27) | (t9 >>> 5), b31 = (t9 << 27) | (t8 >>> 5);
      const t10 = s[10]! ^ d0, t11 = s[11]! ^ d1, b32 = (t11 << 4) | (t10 >>> 28), b33 = (t10 << 4) | (t11 >>> 28);
      const t12 = s[12]! ^ d2, t13 = s[13]! ^ d3, b2 = (t13 << 12) | (t12 >>> 20), b3 = (t12 << 12) | (t13 >>> 20);
      const t14 = s[14]! ^ d4, t15 = s[15]! ^ d5, b22 = (t14 << 6) | (t15 >>> 26), b23 = (t15 << 6) | (t14 >>> 26);
      const t16 = s[16]! ^ d6, t17 = s[17]! ^ d7, b42 = (t17 << 23) | (t16 >>> 9), b43 = (t16 << 23) | (t17 >>> 9);
      const t18 = s[18]! ^ d8, t19 = s[19]! ^ d9, b12 = (t18 << 20) | (t19 >>> 12), b13 = (t19 << 20) | (t18 >>> 12);
      const t20 = s[20]! ^ d0, t21 = s[21]! ^ d1, b14 = (t20 << 3) | (t21 >>> 29), b15 = (t21 << 3) | (t20 >>> 29);
      const t22 = s[22]! ^ d2, t23 = s[23]! ^ d3, b34 = (t22 << 10) | (t23 >>> 22), b35 = (t23 << 10) | (t22 >>> 22);
      const t24 = s[24]! ^ d4, t25 = s[25]! ^ d5, b4 = (t25 << 11) | (t24 >>> 21), b5 = (t24 << 11) | (t25 >>> 21);
      const t26 = s[26]! ^ d6, t27 = s[27]! ^ d7, b24 = (t26 << 25) | (t27 >>> 7), b25 = (t27 << 25) | (t26 >>> 7);
      const t28 = s[28]! ^ d8, t29 = s[29]! ^ d9, b44 = (t29 << 7) | (t28 >>> 25), b45 = (t28 << 7) | (t29 >>> 25);
      const t30 = s[30]! ^ d0, t31 = s[31]! ^ d1, b46 = (t31 << 9) | (t30 >>> 23), b47 = (t30 << 9) | (t31 >>> 23);
      const t32 = s[32]! ^ d2, t33 = s[33]! ^ d3, b16 = (t33 << 13) | (t32 >>> 19), b17 = (t32 << 13) | (t33 >>> 19);
      const t34 = s[34]! ^ d4, t35 = s[35]! ^ d5, b36 = (t34 << 15) | (t35 >>> 17), b37 = (t35 << 15) | (t34 >>> 17);
      const t36 = s[36]! ^ d6, t37 = s[37]! ^ d7, b6 = (t36 << 21) | (t37 >>> 11), b7 = (t37 << 21) | (t36 >>> 11);
      const t38 = s[38]! ^ d8, t39 = s[39]! ^ d9, b26 = (t38 << 8) | (t39 >>> 24), b27 = (t39 << 8) | (t38 >>> 24);
      const t40 = s[40]! ^ d0, t41 = s[41]! ^ d1, b28 = (t40 << 18) | (t41 >>> 14), b29 = (t41 << 18) | (t40 >>> 14);
      const t42 = s[42]! ^ d2, t43 = s[43]! ^ d3, b48 = (t42 << 2) | (t43 >>> 30), b49 = (t43 << 2) | (t42 >>> 30);
      const t44 = s[44]! ^ d4, t45 = s[45]! ^ d5, b18 = (t45 << 29) | (t44 >>> 3), b19 = (t44 << 29) | (t45 >>> 3);
      const t46 = s[46]! ^ d6, t47 = s[47]! ^ d7, b38 = (t47 << 24) | (t46 >>> 8), b39 = (t46 << 24) | (t47 >>> 8);
      const t48 = s[48]! ^ d8, t49 = s[49]! ^ d9, b8 = (t48 << 14) | (t49 >>> 18), b9 = (t49 << 14) | (t48 >>> 18);
      // χ: a[x] = b[x] ^ (~b[x+1] & b[x+2]) along each row; ι: the round constant into lane 0.
      s[0] = b0 ^ (~b2 & b4); s[1] = b1 ^ (~b3 & b5); s[2] = b2 ^ (~b4 & b6); s[3] = b3 ^ (~b5 & b7); s[4] = b4 ^ (~b6 & b8);
      s[5] = b5 ^ (~b7 & b9); s[6] = b6 ^ (~b8 & b0); s[7] = b7 ^ (~b9 & b1); s[8] = b8 ^ (~b0 & b2); s[9] = b9 ^ (~b1 & b3);
      s[10] = b10 ^ (~b12 & b14); s[11] = b11 ^ (~b13 & b15); s[12] = b12 ^ (~b14 & b16); s[13] = b13 ^ (~b15 & b17); s[14] = b14 ^ (~b16 & b18);
      s[15] = b15 ^ (~b17 & b19); s[16] = b16 ^ (~b18 & b10); s[17] = b17 ^ (~b19 & b11); s[18] = b18 ^ (~b10 & b12); s[19] = b19 ^ (~b11 & b13);
      s[20] = b20 ^ (~b22 & b24); s[21] = b21 ^ (~b23 & b25); s[22] = b22 ^ (~b24 & b26); s[23] = b23 ^ (~b25 & b27); s[24] = b24 ^ (~b26 & b28);
      s[25] = b25 ^ (~b27 & b29); s[26] = b26 ^ (~b28 & b20); s[27] = b27 ^ (~b29 & b21); s[28] = b28 ^ (~b20 & b22); s[29] = b29 ^ (~b21 & b23);
      s[30] = b30 ^ (~b32 & b34); s[31] = b31 ^ (~b33 & b35); s[32] = b32 ^ (~b34 & b36); s[33] = b33 ^ (~b35 & b37); s[34] = b34 ^ (~b36 & b38);
      s[35] = b35 ^ (~b37 & b39); s[36] = b36 ^ (~b38 & b30); s[37] = b37 ^ (~b39 & b31); s[38] = b38 ^ (~b30 & b32); s[39] = b39 ^ (~b31 & b33);
      s[40] = b40 ^ (~b42 & b44); s[41] = b41 ^ (~b43 & b45); s[42] = b42 ^ (~b44 & b46); s[43] = b43 ^ (~b45 & b47); s[44] = b44 ^ (~b46 & b48);
      s[45] = b45 ^ (~b47 & b49); s[46] = b46 ^ (~b48 & b40); s[47] = b47 ^ (~b49 & b41); s[48] = b48 ^ (~b40 & b42); s[49] = b49 ^ (~b41 & b43);
      s[0] ^= RC[r]!;
      s[1] ^= RC[r + 1]!;
    }
  }

  /** XORs len bytes of src from off into the state (len ≤ RATE), starting at byte 0 of the state. */
  function absorb(src: Uint8Array, off: number, len: number): void {
    let i = 0;
    for (; i < len >> 2; i++, off += 4) s[i]! ^= src[off]! | (src[off + 1]! << 8) | (src[off + 2]! << 16) | (src[off + 3]! << 24);
    for (let k = 0; k < (len & 3); k++) s[i]! ^= src[off + k]! << (8 * k);
  }

  function squeeze(dst: Uint8Array, dstOff: number): void {
    for (let i = 0; i < 8; i++, dstOff += 4) {
      const w = s[i]!;
      dst[dstOff] = w;
      dst[dstOff + 1] = w >>> 8;
      dst[dstOff + 2] = w >>> 16;
      dst[dstOff + 3] = w >>> 24;
    }
  }

  /** Keccak-256 of src[off, off + len) written to dst[dstOff, dstOff + 32): no allocation. */
  function keccak256Into(src: Uint8Array, off: number, len: number, dst: Uint8Array, dstOff: number): void {
    if (off < 0 || len < 0 || off + len > src.length || dstOff < 0 || dstOff + 32 > dst.length) throw new RangeError('keccak256Into: range outside the buffer');
    s.fill(0);
    for (; len >= RATE; off += RATE, len -= RATE) {
      absorb(src, off, RATE);
      permute();
    }
    absorb(src, off, len);
    s[len >> 2]! ^= 1 << (8 * (len & 3)); // pad: 0x01 after the message …
    s[RATE_WORDS - 1]! ^= 0x80000000; // … and 0x80 in the last byte of the block
    permute();
    squeeze(dst, dstOff);
  }

  /** Keccak-256 of the 64 bytes src[a, a + 32) ‖ src[b, b + 32) into dst at dstOff: a Merkle pair, no copy. */
  function keccak256PairInto(src: Uint8Array, a: number, b: number, dst: Uint8Array, dstOff: number): void {
    if (a < 0 || b < 0 || a + 32 > src.length || b + 32 > src.length || dstOff < 0 || dstOff + 32 > dst.length) throw new RangeError('keccak256PairInto: range outside the buffer');
    s.fill(0);
    absorb(src, a, 32);
    for (let i = 8; i < 16; i++, b += 4) s[i] = src[b]! | (src[b + 1]! << 8) | (src[b + 2]! << 16) | (src[b + 3]! << 24);
    s[16] = 1;
    s[RATE_WORDS - 1] = 0x80000000;
    permute();
    squeeze(dst, dstOff);
  }

  return { keccak256Into, keccak256PairInto };
}
