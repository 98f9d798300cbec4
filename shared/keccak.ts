/**
 * Keccak-256 as Ethereum uses it (the original Keccak padding 0x01…0x80, not SHA3-256's 0x06), so
 * a Solidity contract's `keccak256(bytes)` gives the same 32 bytes. Pure and isomorphic: shared/
 * cannot use node:crypto, which has no Keccak anyway.
 *
 * Speed matters (a datanet version runs ~5 Keccak-f[1600] permutations per record, for 1,000,000
 * records), so there are two implementations of the one algorithm, chosen once, at load:
 *
 * - WebAssembly where the engine allows it (Node, so the backend and the CLI): a 1.6 KB module that
 *   this file writes out opcode by opcode below (no binary blob, nothing fetched), compiled
 *   synchronously (browsers allow that under 4 KB). 64-bit lanes and native rotates: about 3× the
 *   old pure-JS code per 32-byte hash (bench/keccak.ts). The message is copied into its memory and
 *   the digest back out.
 * - Plain JS otherwise (a page whose CSP lacks 'wasm-unsafe-eval', as the renderer's does; an engine
 *   without WebAssembly): each 64-bit lane is a pair of int32 words, bit-interleaved (the lane's
 *   even bits in one word, its odd bits in the other), so that a 64-bit rotation is two 32-bit
 *   rotations, each one `ror` in V8. A round reads one Int32Array and writes the other, the even
 *   words of every plane first and then the odd ones, which keeps few values live, and
 *   accumulates the column parities the next round's θ needs as it writes them. About 1.6× the
 *   old code.
 *
 * Both keep six lanes inverted (the lane-complementing transform; bit interleaving and lane
 * complementing are both from the Keccak team's "Keccak implementation overview"), which turns
 * χ's b0 ^ (~b1 & b2) into and/or forms with 5 NOTs a round instead of 25. The initial state has
 * those lanes all-ones, and the digest inverts lanes 1 and 2 back. Not reentrant (one state per
 * implementation), which is fine on one JS thread: no function here yields.
 */

const RATE = 136; // bytes: 1600 - 2·256 bits of capacity
const RATE_LANES = RATE / 8;

/** The lanes (x + 5y) kept inverted. */
const COMPLEMENTED = [1, 2, 8, 12, 17, 20];
/**
 * χ on the inverted lanes. θ, ρ and π carry the inversions to a fixed set of χ's inputs; χ's
 * a[j] = b[j] ^ (~b[j+1] & b[j+2]) (j+1, j+2: the next lanes along the plane) then becomes
 * b[j] ^ (b[j+1] OP b[j+2]) with OP & for the lanes j in CHI_AND and | for the others, b[j], b[j+1]
 * or b[j+2] first inverted for the lanes j in CHI_NOT_A, _B or _C, and a[j] comes out inverted
 * exactly for j in COMPLEMENTED. (Found by trying every such form against χ's truth table.) Only
 * the WebAssembly builder reads these; the JS rounds are written out with the same forms.
 */
const CHI_AND = [2, 4, 6, 9, 11, 12, 14, 15, 18, 20, 22, 24];
const CHI_NOT_A = [13, 18, 21];
const CHI_NOT_B = [1, 12, 17, 20];
const CHI_NOT_C = [7];
/** ρ rotation of lane x + 5y. */
const RHO = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

/** Round constants from the spec's LFSR (x⁸ + x⁶ + x⁵ + x⁴ + 1): bit 2ʲ − 1 of round r is one output bit. Low, high word per round. */
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

/** One implementation, behind the exported functions (which check the ranges). */
interface Hasher {
  hash(src: Uint8Array, off: number, len: number, dst: Uint8Array, dstOff: number): void;
  pair(src: Uint8Array, a: number, b: number, dst: Uint8Array, dstOff: number): void;
}

// Each implementation keeps its state in the closure of a factory called once, not in module-level
// variables: bundlers (esbuild, so out/node) turn a module's top-level const into var, and V8 folds
// a const typed array into the code (no bounds checks, no reloads) but not a var one, which made
// the JS rounds ~35% slower.

// ---------------------------------------------------------------------------------------------
// WebAssembly

/** Memory layout (one 64 KiB page): state at 0 (25 lanes), round constants at 200, message at IN. */
const RC_AT = 200;
const IN = 512;
const PAGE = 65536;
/** Whole blocks absorbed per call when the message does not fit: its final call then fits with its padding. */
const CHUNK = Math.floor((PAGE - IN) / RATE) * RATE;

interface WasmExports {
  m: { buffer: ArrayBuffer };
  /** Absorbs `blocks` whole blocks from memory at ptr, starting from the initial state if `fresh`. */
  a: (ptr: number, blocks: number, fresh: number) => void;
  /** Pads the len-byte message at ptr in place, absorbs it all, leaves the digest at 0..32. */
  f: (ptr: number, len: number, fresh: number) => void;
}
/** What this file needs of the WebAssembly global, declared here as tsconfig.json has no DOM types. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/**
 * The module, in the binary format (WebAssembly Core specification, chapter 5), each instruction
 * written as its opcode bytes. Functions: 0 permute (the state in memory), 1 init (the initial
 * state), 2 `a`, 3 `f`.
 */
function wasmBytes(): Uint8Array {
  const uleb = (v: number): number[] => {
    const out: number[] = [];
    do {
      const b = v & 0x7f;
      v >>>= 7;
      out.push(v ? b | 0x80 : b);
    } while (v);
    return out;
  };
  const sleb = (v: number): number[] => {
    const out: number[] = [];
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
      out.push(b | 0x80);
    }
  };
  const get = (l: number) => [0x20, l]; // local.get
  const set = (l: number) => [0x21, l]; // local.set
  const tee = (l: number) => [0x22, l]; // local.tee
  const i32 = (v: number) => [0x41, ...sleb(v)]; // i32.const
  const i64 = (v: number) => [0x42, ...sleb(v)]; // i64.const
  const load = (offset: number) => [0x29, 3, ...uleb(offset)]; // i64.load, 8-byte aligned
  const store = (offset: number) => [0x37, 3, ...uleb(offset)]; // i64.store
  const load8 = (offset: number) => [0x2d, 0, ...uleb(offset)]; // i32.load8_u
  const store8 = (offset: number) => [0x3a, 0, ...uleb(offset)]; // i32.store8
  const fill = [0xfc, 0x0b, 0x00]; // memory.fill
  const [XOR, AND, OR, ROTL] = [0x85, 0x83, 0x84, 0x89]; // i64
  const [ADD, SUB, MUL, DIV_U, OR32, EQZ, NE] = [0x6a, 0x6b, 0x6c, 0x6e, 0x72, 0x45, 0x47]; // i32
  const [CALL, IF, BLOCK, LOOP, BR, BR_IF, END, VOID] = [0x10, 0x04, 0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40];
  let c: number[] = [];
  const emit = (...code: (number | number[])[]) => {
    c.push(...code.flat());
  };
  const bodies: number[][] = [];

  // 0: permute. Locals: 0 = 8 × round (i32); i64: A (state), C (column parities), D (θ's
  // differences), B (after θ, ρ, π), NB (~B, for the inverted χ operands).
  const A = 1, C = 26, D = 31, B = 36, NB = 61;
  for (let i = 0; i < 25; i++) emit(i32(0), load(8 * i), set(A + i));
  emit(i32(0), set(0), LOOP, VOID);
  for (let x = 0; x < 5; x++) {
    emit(get(A + x));
    for (let y = 1; y < 5; y++) emit(get(A + x + 5 * y), XOR);
    emit(set(C + x));
  }
  for (let x = 0; x < 5; x++) emit(get(C + ((x + 4) % 5)), get(C + ((x + 1) % 5)), i64(1), ROTL, XOR, set(D + x));
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      emit(get(A + x + 5 * y), get(D + x), XOR);
      if (RHO[x + 5 * y]) emit(i64(RHO[x + 5 * y]!), ROTL);
      emit(set(B + y + 5 * ((2 * x + 3 * y) % 5)));
    }
  }
  const next = (j: number, k: number) => j - (j % 5) + ((j + k) % 5); // lane x + k of j's plane
  const inverted = new Set([...CHI_NOT_A, ...CHI_NOT_B.map((j) => next(j, 1)), ...CHI_NOT_C.map((j) => next(j, 2))]);
  for (const j of inverted) emit(get(B + j), i64(-1), XOR, set(NB + j));
  for (let j = 0; j < 25; j++) {
    emit(get((CHI_NOT_A.includes(j) ? NB : B) + j));
    emit(get((CHI_NOT_B.includes(j) ? NB : B) + next(j, 1)));
    emit(get((CHI_NOT_C.includes(j) ? NB : B) + next(j, 2)));
    emit(CHI_AND.includes(j) ? AND : OR, XOR, set(A + j));
  }
  emit(get(A), get(0), load(RC_AT), XOR, set(A)); // ι
  emit(get(0), i32(8), ADD, tee(0), i32(8 * 24), NE, BR_IF, 0, END); // the next round
  for (let i = 0; i < 25; i++) emit(i32(0), get(A + i), store(8 * i));
  bodies.push([2, 1, 0x7f, 85, 0x7e, ...c, END]); // locals: 1 i32, 85 i64

  // 1: init: zeros, then all-ones in the complemented lanes.
  c = [];
  emit(i32(0), i32(0), i32(200), fill);
  for (const l of COMPLEMENTED) emit(i32(0), i64(-1), store(8 * l));
  bodies.push([0, ...c, END]);

  // 2: a(ptr, blocks, fresh)
  c = [];
  emit(get(2), IF, VOID, CALL, 1, END);
  emit(BLOCK, VOID, LOOP, VOID, get(1), EQZ, BR_IF, 1);
  for (let k = 0; k < RATE_LANES; k++) emit(i32(0), i32(0), load(8 * k), get(0), load(8 * k), XOR, store(8 * k));
  emit(CALL, 0);
  emit(get(0), i32(RATE), ADD, set(0), get(1), i32(1), SUB, set(1), BR, 0, END, END);
  bodies.push([0, ...c, END]);

  // 3: f(ptr, len, fresh). Locals: 3 = whole blocks, 4 = where the last block starts, 5 = bytes in it.
  c = [];
  emit(get(1), i32(RATE), DIV_U, set(3));
  emit(get(1), get(3), i32(RATE), MUL, SUB, set(5));
  emit(get(0), get(1), ADD, get(5), SUB, set(4));
  emit(get(4), get(5), ADD, i32(0), i32(RATE), get(5), SUB, fill); // zeros after the message,
  emit(get(4), get(5), ADD, i32(1), store8(0)); // 0x01 right after it,
  emit(get(4), get(4), load8(RATE - 1), i32(0x80), OR32, store8(RATE - 1)); // 0x80 in the block's last byte
  emit(get(0), get(3), i32(1), ADD, get(2), CALL, 2);
  for (const l of [1, 2]) emit(i32(0), i32(0), load(8 * l), i64(-1), XOR, store(8 * l)); // the digest's lanes upright
  bodies.push([1, 3, 0x7f, ...c, END]); // locals: 3 i32

  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [2, 0x60, 0, 0, 0x60, 3, 0x7f, 0x7f, 0x7f, 0]), // types: () → (), (i32, i32, i32) → ()
    ...section(3, [4, 0, 0, 1, 1]), // the functions' types
    ...section(5, [1, 0x00, 1]), // one memory, one page
    ...section(7, [3, ...name('m'), 2, 0, ...name('a'), 0, 2, ...name('f'), 0, 3]), // exports
    ...section(10, [bodies.length, ...bodies.flatMap((b) => [...uleb(b.length), ...b])]),
  ]);
}

/** The WebAssembly hasher, or null where WebAssembly is absent or refused. */
function wasmHasher(): Hasher | null {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return null;
  let exports: WasmExports;
  try {
    exports = new api.Instance(new api.Module(wasmBytes()), {}).exports as WasmExports;
  } catch {
    return null;
  }
  const mem = new Uint8Array(exports.m.buffer);
  const absorb = exports.a, final = exports.f;
  const view = new DataView(exports.m.buffer);
  for (let i = 0; i < 48; i++) view.setInt32(RC_AT + 4 * i, RC[i]!, true);

  /** Copies a short range byte by byte (no subarray object), a long one with set. */
  function copyIn(src: Uint8Array, off: number, len: number, at: number): void {
    if (len <= 32) for (let i = 0; i < len; i++) mem[at + i] = src[off + i]!;
    else mem.set(src.subarray(off, off + len), at);
  }
  function copyOut(dst: Uint8Array, dstOff: number): void {
    for (let i = 0; i < 32; i++) dst[dstOff + i] = mem[i]!;
  }
  return {
    hash(src, off, len, dst, dstOff) {
      let fresh = 1;
      for (; len >= CHUNK; off += CHUNK, len -= CHUNK, fresh = 0) {
        copyIn(src, off, CHUNK, IN);
        absorb(IN, CHUNK / RATE, fresh);
      }
      copyIn(src, off, len, IN);
      final(IN, len, fresh);
      copyOut(dst, dstOff);
    },
    pair(src, a, b, dst, dstOff) {
      copyIn(src, a, 32, IN);
      copyIn(src, b, 32, IN + 32);
      final(IN, 64, 1);
      copyOut(dst, dstOff);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Plain JS

/** Gathers the even bits of x into its low 16 bits and the odd bits into its high 16 (Hacker's Delight 7-2). */
function unshuffle(x: number): number {
  let t = (x ^ (x >>> 1)) & 0x22222222;
  x ^= t ^ (t << 1);
  t = (x ^ (x >>> 2)) & 0x0c0c0c0c;
  x ^= t ^ (t << 2);
  t = (x ^ (x >>> 4)) & 0x00f000f0;
  x ^= t ^ (t << 4);
  t = (x ^ (x >>> 8)) & 0x0000ff00;
  return x ^ t ^ (t << 8);
}

/** The inverse of unshuffle: the same swaps in the other order. */
function shuffle(x: number): number {
  let t = (x ^ (x >>> 8)) & 0x0000ff00;
  x ^= t ^ (t << 8);
  t = (x ^ (x >>> 4)) & 0x00f000f0;
  x ^= t ^ (t << 4);
  t = (x ^ (x >>> 2)) & 0x0c0c0c0c;
  x ^= t ^ (t << 2);
  t = (x ^ (x >>> 1)) & 0x22222222;
  return x ^ t ^ (t << 1);
}

/** The little-endian int32 at src[off, off + 4). */
function word(src: Uint8Array, off: number): number {
  return src[off]! | (src[off + 1]! << 8) | (src[off + 2]! << 16) | (src[off + 3]! << 24);
}

function jsHasher(): Hasher {
  /**
   * The state, lane x + 5y in words 2(x + 5y) (its even bits) and 2(x + 5y) + 1 (its odd bits),
   * complemented lanes inverted; and the other side of each round's ping-pong.
   */
  const S = new Int32Array(50);
  const T = new Int32Array(50);
  /** The initial state: all-ones in the complemented lanes. */
  const INIT = new Int32Array(50);
  for (const l of COMPLEMENTED) INIT[2 * l] = INIT[2 * l + 1] = -1;
  /** Round constants, bit-interleaved like the state. */
  const RCI = new Int32Array(48);
  for (let r = 0; r < 48; r += 2) {
    const lo = unshuffle(RC[r]!), hi = unshuffle(RC[r + 1]!);
    RCI[r] = (lo & 0xffff) | (hi << 16);
    RCI[r + 1] = (lo >>> 16) | (hi & 0xffff0000);
  }
  /** The last, partial block's words. */
  const W = new Int32Array(RATE / 4);

  /** XORs the 64-bit lane lo | hi << 32 into lane k of S, bit-interleaved. */
  function xorLane(k: number, lo: number, hi: number): void {
    lo = unshuffle(lo);
    hi = unshuffle(hi);
    S[2 * k]! ^= (lo & 0xffff) | (hi << 16);
    S[2 * k + 1]! ^= (lo >>> 16) | (hi & 0xffff0000);
  }

  /** XORs `count` whole lanes (8 bytes each) from src at off into S from lane `first`. */
  function xorLanes(src: Uint8Array, off: number, first: number, count: number): void {
    for (let k = first; k < first + count; k++, off += 8) xorLane(k, word(src, off), word(src, off + 4));
  }

  /** The digest from lanes 0–3 of S: lanes 1 and 2 re-inverted, de-interleaved, little-endian bytes. */
  function squeeze(dst: Uint8Array, off: number): void {
    for (let k = 0; k < 8; k += 2, off += 8) {
      const inv = k === 2 || k === 4 ? -1 : 0;
      const e = S[k]! ^ inv, o = S[k + 1]! ^ inv;
      const lo = shuffle((e & 0xffff) | (o << 16)), hi = shuffle((e >>> 16) | (o & 0xffff0000));
      dst[off] = lo;
      dst[off + 1] = lo >>> 8;
      dst[off + 2] = lo >>> 16;
      dst[off + 3] = lo >>> 24;
      dst[off + 4] = hi;
      dst[off + 5] = hi >>> 8;
      dst[off + 6] = hi >>> 16;
      dst[off + 7] = hi >>> 24;
    }
  }

  /** One block of 4 (32 bytes at a) or 8 (64 bytes: 32 at a, 32 at b) whole lanes, and the padding. */
  function short(src: Uint8Array, a: number, b: number, lanes: 4 | 8, dst: Uint8Array, dstOff: number): void {
    S.set(INIT);
    xorLanes(src, a, 0, 4);
    if (lanes === 8) xorLanes(src, b, 4, 4);
    S[2 * lanes]! ^= 1; // pad 0x01: bit 0 of the lane after the message, an even bit
    S[2 * RATE_LANES - 1]! ^= 0x80000000; // pad 0x80: bit 63 of the last lane of the block, odd bit 31
    permute();
    squeeze(dst, dstOff);
  }

  /**
   * Keccak-f[1600] on S, two rounds per iteration (S → T, T → S), written out mechanically. A round
   * computes θ's d from the column parities c, then goes over the output planes twice, for the even
   * words of the lanes and then for the odd ones (χ never mixes them, and fewer values are live
   * than with whole lanes: ~17% faster). Each output word is its input word after θ (xor d), ρ
   * (rotate) and π (lane x + 5y lands at y + 5((2x + 3y) mod 5)); then χ in its lane-complemented
   * form, ι into lane 0, the stores, and the plane's share of the next round's c. Rotating an
   * interleaved lane (even word e, odd word o) by n rotates e and o by n/2 for even n; for odd n
   * the words swap: o rotated by (n + 1)/2 becomes the even word, e by (n − 1)/2 the odd one.
   */
  function permute(): void {
    let c0 = S[0]! ^ S[10]! ^ S[20]! ^ S[30]! ^ S[40]!, c1 = S[1]! ^ S[11]! ^ S[21]! ^ S[31]! ^ S[41]!,
      c2 = S[2]! ^ S[12]! ^ S[22]! ^ S[32]! ^ S[42]!, c3 = S[3]! ^ S[13]! ^ S[23]! ^ S[33]! ^ S[43]!,
      c4 = S[4]! ^ S[14]! ^ S[24]! ^ S[34]! ^ S[44]!, c5 = S[5]! ^ S[15]! ^ S[25]! ^ S[35]! ^ S[45]!,
      c6 = S[6]! ^ S[16]! ^ S[26]! ^ S[36]! ^ S[46]!, c7 = S[7]! ^ S[17]! ^ S[27]! ^ S[37]! ^ S[47]!,
      c8 = S[8]! ^ S[18]! ^ S[28]! ^ S[38]! ^ S[48]!, c9 = S[9]! ^ S[19]! ^ S[29]! ^ S[39]! ^ S[49]!;
    for (let r = 0; r < 48; r += 4) {
      {
        const d0 = c8 ^ ((c3 << 1) | (c3 >>> 31)), d1 = c9 ^ c2;
        const d2 = c0 ^ ((c5 << 1) | (c5 >>> 31)), d3 = c1 ^ c4;
        const d4 = c2 ^ ((c7 << 1) | (c7 >>> 31)), d5 = c3 ^ c6;
        const d6 = c4 ^ ((c9 << 1) | (c9 >>> 31)), d7 = c5 ^ c8;
        const d8 = c6 ^ ((c1 << 1) | (c1 >>> 31)), d9 = c7 ^ c0;
        // plane 0, even halves
        const b0 = S[0]! ^ d0; // lane 0, ρ 0
        const t2 = S[12]! ^ d2, b2 = (t2 << 22) | (t2 >>> 10); // lane 6, ρ 44
        const t4 = S[25]! ^ d5, b4 = (t4 << 22) | (t4 >>> 10); // lane 12, ρ 43
        const t6 = S[37]! ^ d7, b6 = (t6 << 11) | (t6 >>> 21); // lane 18, ρ 21
        const t8 = S[48]! ^ d8, b8 = (t8 << 7) | (t8 >>> 25); // lane 24, ρ 14
        const n4 = ~b4;
        const a0 = b0 ^ (b2 | b4) ^ RCI[r]!, a2 = b2 ^ (n4 | b6), a4 = b4 ^ (b6 & b8), a6 = b6 ^ (b8 | b0), a8 = b8 ^ (b0 & b2);
        T[0] = a0; T[2] = a2; T[4] = a4; T[6] = a6; T[8] = a8;
        c0 = a0; c2 = a2; c4 = a4; c6 = a6; c8 = a8;
        // plane 1, even halves
        const t10 = S[6]! ^ d6, b10 = (t10 << 14) | (t10 >>> 18); // lane 3, ρ 28
        const t12 = S[18]! ^ d8, b12 = (t12 << 10) | (t12 >>> 22); // lane 9, ρ 20
        const t14 = S[21]! ^ d1, b14 = (t14 << 2) | (t14 >>> 30); // lane 10, ρ 3
        const t16 = S[33]! ^ d3, b16 = (t16 << 23) | (t16 >>> 9); // lane 16, ρ 45
        const t18 = S[45]! ^ d5, b18 = (t18 << 31) | (t18 >>> 1); // lane 22, ρ 61
        const n18 = ~b18;
        const a10 = b10 ^ (b12 | b14), a12 = b12 ^ (b14 & b16), a14 = b14 ^ (b16 | n18), a16 = b16 ^ (b18 | b10), a18 = b18 ^ (b10 & b12);
        T[10] = a10; T[12] = a12; T[14] = a14; T[16] = a16; T[18] = a18;
        c0 ^= a10; c2 ^= a12; c4 ^= a14; c6 ^= a16; c8 ^= a18;
        // plane 2, even halves
        const t20 = S[3]! ^ d3, b20 = (t20 << 1) | (t20 >>> 31); // lane 1, ρ 1
        const t22 = S[14]! ^ d4, b22 = (t22 << 3) | (t22 >>> 29); // lane 7, ρ 6
        const t24 = S[27]! ^ d7, b24 = (t24 << 13) | (t24 >>> 19); // lane 13, ρ 25
        const t26 = S[38]! ^ d8, b26 = (t26 << 4) | (t26 >>> 28); // lane 19, ρ 8
        const t28 = S[40]! ^ d0, b28 = (t28 << 9) | (t28 >>> 23); // lane 20, ρ 18
        const n26 = ~b26;
        const a20 = b20 ^ (b22 | b24), a22 = b22 ^ (b24 & b26), a24 = b24 ^ (n26 & b28), a26 = n26 ^ (b28 | b20), a28 = b28 ^ (b20 & b22);
        T[20] = a20; T[22] = a22; T[24] = a24; T[26] = a26; T[28] = a28;
        c0 ^= a20; c2 ^= a22; c4 ^= a24; c6 ^= a26; c8 ^= a28;
        // plane 3, even halves
        const t30 = S[9]! ^ d9, b30 = (t30 << 14) | (t30 >>> 18); // lane 4, ρ 27
        const t32 = S[10]! ^ d0, b32 = (t32 << 18) | (t32 >>> 14); // lane 5, ρ 36
        const t34 = S[22]! ^ d2, b34 = (t34 << 5) | (t34 >>> 27); // lane 11, ρ 10
        const t36 = S[35]! ^ d5, b36 = (t36 << 8) | (t36 >>> 24); // lane 17, ρ 15
        const t38 = S[46]! ^ d6, b38 = (t38 << 28) | (t38 >>> 4); // lane 23, ρ 56
        const n36 = ~b36;
        const a30 = b30 ^ (b32 & b34), a32 = b32 ^ (b34 | b36), a34 = b34 ^ (n36 | b38), a36 = n36 ^ (b38 & b30), a38 = b38 ^ (b30 | b32);
        T[30] = a30; T[32] = a32; T[34] = a34; T[36] = a36; T[38] = a38;
        c0 ^= a30; c2 ^= a32; c4 ^= a34; c6 ^= a36; c8 ^= a38;
        // plane 4, even halves
        const t40 = S[4]! ^ d4, b40 = (t40 << 31) | (t40 >>> 1); // lane 2, ρ 62
        const t42 = S[17]! ^ d7, b42 = (t42 << 28) | (t42 >>> 4); // lane 8, ρ 55
        const t44 = S[29]! ^ d9, b44 = (t44 << 20) | (t44 >>> 12); // lane 14, ρ 39
        const t46 = S[31]! ^ d1, b46 = (t46 << 21) | (t46 >>> 11); // lane 15, ρ 41
        const t48 = S[42]! ^ d2, b48 = (t48 << 1) | (t48 >>> 31); // lane 21, ρ 2
        const n42 = ~b42;
        const a40 = b40 ^ (n42 & b44), a42 = n42 ^ (b44 | b46), a44 = b44 ^ (b46 & b48), a46 = b46 ^ (b48 | b40), a48 = b48 ^ (b40 & b42);
        T[40] = a40; T[42] = a42; T[44] = a44; T[46] = a46; T[48] = a48;
        c0 ^= a40; c2 ^= a42; c4 ^= a44; c6 ^= a46; c8 ^= a48;
        // plane 0, odd halves
        const b1 = S[1]! ^ d1; // lane 0, ρ 0
        const t3 = S[13]! ^ d3, b3 = (t3 << 22) | (t3 >>> 10); // lane 6, ρ 44
        const t5 = S[24]! ^ d4, b5 = (t5 << 21) | (t5 >>> 11); // lane 12, ρ 43
        const t7 = S[36]! ^ d6, b7 = (t7 << 10) | (t7 >>> 22); // lane 18, ρ 21
        const t9 = S[49]! ^ d9, b9 = (t9 << 7) | (t9 >>> 25); // lane 24, ρ 14
        const n5 = ~b5;
        const a1 = b1 ^ (b3 | b5) ^ RCI[r + 1]!, a3 = b3 ^ (n5 | b7), a5 = b5 ^ (b7 & b9), a7 = b7 ^ (b9 | b1), a9 = b9 ^ (b1 & b3);
        T[1] = a1; T[3] = a3; T[5] = a5; T[7] = a7; T[9] = a9;
        c1 = a1; c3 = a3; c5 = a5; c7 = a7; c9 = a9;
        // plane 1, odd halves
        const t11 = S[7]! ^ d7, b11 = (t11 << 14) | (t11 >>> 18); // lane 3, ρ 28
        const t13 = S[19]! ^ d9, b13 = (t13 << 10) | (t13 >>> 22); // lane 9, ρ 20
        const t15 = S[20]! ^ d0, b15 = (t15 << 1) | (t15 >>> 31); // lane 10, ρ 3
        const t17 = S[32]! ^ d2, b17 = (t17 << 22) | (t17 >>> 10); // lane 16, ρ 45
        const t19 = S[44]! ^ d4, b19 = (t19 << 30) | (t19 >>> 2); // lane 22, ρ 61
        const n19 = ~b19;
        const a11 = b11 ^ (b13 | b15), a13 = b13 ^ (b15 & b17), a15 = b15 ^ (b17 | n19), a17 = b17 ^ (b19 | b11), a19 = b19 ^ (b11 & b13);
        T[11] = a11; T[13] = a13; T[15] = a15; T[17] = a17; T[19] = a19;
        c1 ^= a11; c3 ^= a13; c5 ^= a15; c7 ^= a17; c9 ^= a19;
        // plane 2, odd halves
        const b21 = S[2]! ^ d2; // lane 1, ρ 1
        const t23 = S[15]! ^ d5, b23 = (t23 << 3) | (t23 >>> 29); // lane 7, ρ 6
        const t25 = S[26]! ^ d6, b25 = (t25 << 12) | (t25 >>> 20); // lane 13, ρ 25
        const t27 = S[39]! ^ d9, b27 = (t27 << 4) | (t27 >>> 28); // lane 19, ρ 8
        const t29 = S[41]! ^ d1, b29 = (t29 << 9) | (t29 >>> 23); // lane 20, ρ 18
        const n27 = ~b27;
        const a21 = b21 ^ (b23 | b25), a23 = b23 ^ (b25 & b27), a25 = b25 ^ (n27 & b29), a27 = n27 ^ (b29 | b21), a29 = b29 ^ (b21 & b23);
        T[21] = a21; T[23] = a23; T[25] = a25; T[27] = a27; T[29] = a29;
        c1 ^= a21; c3 ^= a23; c5 ^= a25; c7 ^= a27; c9 ^= a29;
        // plane 3, odd halves
        const t31 = S[8]! ^ d8, b31 = (t31 << 13) | (t31 >>> 19); // lane 4, ρ 27
        const t33 = S[11]! ^ d1, b33 = (t33 << 18) | (t33 >>> 14); // lane 5, ρ 36
        const t35 = S[23]! ^ d3, b35 = (t35 << 5) | (t35 >>> 27); // lane 11, ρ 10
        const t37 = S[34]! ^ d4, b37 = (t37 << 7) | (t37 >>> 25); // lane 17, ρ 15
        const t39 = S[47]! ^ d7, b39 = (t39 << 28) | (t39 >>> 4); // lane 23, ρ 56
        const n37 = ~b37;
        const a31 = b31 ^ (b33 & b35), a33 = b33 ^ (b35 | b37), a35 = b35 ^ (n37 | b39), a37 = n37 ^ (b39 & b31), a39 = b39 ^ (b31 | b33);
        T[31] = a31; T[33] = a33; T[35] = a35; T[37] = a37; T[39] = a39;
        c1 ^= a31; c3 ^= a33; c5 ^= a35; c7 ^= a37; c9 ^= a39;
        // plane 4, odd halves
        const t41 = S[5]! ^ d5, b41 = (t41 << 31) | (t41 >>> 1); // lane 2, ρ 62
        const t43 = S[16]! ^ d6, b43 = (t43 << 27) | (t43 >>> 5); // lane 8, ρ 55
        const t45 = S[28]! ^ d8, b45 = (t45 << 19) | (t45 >>> 13); // lane 14, ρ 39
        const t47 = S[30]! ^ d0, b47 = (t47 << 20) | (t47 >>> 12); // lane 15, ρ 41
        const t49 = S[43]! ^ d3, b49 = (t49 << 1) | (t49 >>> 31); // lane 21, ρ 2
        const n43 = ~b43;
        const a41 = b41 ^ (n43 & b45), a43 = n43 ^ (b45 | b47), a45 = b45 ^ (b47 & b49), a47 = b47 ^ (b49 | b41), a49 = b49 ^ (b41 & b43);
        T[41] = a41; T[43] = a43; T[45] = a45; T[47] = a47; T[49] = a49;
        c1 ^= a41; c3 ^= a43; c5 ^= a45; c7 ^= a47; c9 ^= a49;
      }
      {
        const d0 = c8 ^ ((c3 << 1) | (c3 >>> 31)), d1 = c9 ^ c2;
        const d2 = c0 ^ ((c5 << 1) | (c5 >>> 31)), d3 = c1 ^ c4;
        const d4 = c2 ^ ((c7 << 1) | (c7 >>> 31)), d5 = c3 ^ c6;
        const d6 = c4 ^ ((c9 << 1) | (c9 >>> 31)), d7 = c5 ^ c8;
        const d8 = c6 ^ ((c1 << 1) | (c1 >>> 31)), d9 = c7 ^ c0;
        // plane 0, even halves
        const b0 = T[0] ^ d0; // lane 0, ρ 0
        const t2 = T[12] ^ d2, b2 = (t2 << 22) | (t2 >>> 10); // lane 6, ρ 44
        const t4 = T[25] ^ d5, b4 = (t4 << 22) | (t4 >>> 10); // lane 12, ρ 43
        const t6 = T[37] ^ d7, b6 = (t6 << 11) | (t6 >>> 21); // lane 18, ρ 21
        const t8 = T[48] ^ d8, b8 = (t8 << 7) | (t8 >>> 25); // lane 24, ρ 14
        const n4 = ~b4;
        const a0 = b0 ^ (b2 | b4) ^ RCI[r + 2]!, a2 = b2 ^ (n4 | b6), a4 = b4 ^ (b6 & b8), a6 = b6 ^ (b8 | b0), a8 = b8 ^ (b0 & b2);
        S[0] = a0; S[2] = a2; S[4] = a4; S[6] = a6; S[8] = a8;
        c0 = a0; c2 = a2; c4 = a4; c6 = a6; c8 = a8;
        // plane 1, even halves
        const t10 = T[6] ^ d6, b10 = (t10 << 14) | (t10 >>> 18); // lane 3, ρ 28
        const t12 = T[18] ^ d8, b12 = (t12 << 10) | (t12 >>> 22); // lane 9, ρ 20
        const t14 = T[21] ^ d1, b14 = (t14 << 2) | (t14 >>> 30); // lane 10, ρ 3
        const t16 = T[33] ^ d3, b16 = (t16 << 23) | (t16 >>> 9); // lane 16, ρ 45
        const t18 = T[45] ^ d5, b18 = (t18 << 31) | (t18 >>> 1); // lane 22, ρ 61
        const n18 = ~b18;
        const a10 = b10 ^ (b12 | b14), a12 = b12 ^ (b14 & b16), a14 = b14 ^ (b16 | n18), a16 = b16 ^ (b18 | b10), a18 = b18 ^ (b10 & b12);
        S[10] = a10; S[12] = a12; S[14] = a14; S[16] = a16; S[18] = a18;
        c0 ^= a10; c2 ^= a12; c4 ^= a14; c6 ^= a16; c8 ^= a18;
        // plane 2, even halves
        const t20 = T[3] ^ d3, b20 = (t20 << 1) | (t20 >>> 31); // lane 1, ρ 1
        const t22 = T[14] ^ d4, b22 = (t22 << 3) | (t22 >>> 29); // lane 7, ρ 6
        const t24 = T[27] ^ d7, b24 = (t24 << 13) | (t24 >>> 19); // lane 13, ρ 25
        const t26 = T[38] ^ d8, b26 = (t26 << 4) | (t26 >>> 28); // lane 19, ρ 8
        const t28 = T[40] ^ d0, b28 = (t28 << 9) | (t28 >>> 23); // lane 20, ρ 18
        const n26 = ~b26;
        const a20 = b20 ^ (b22 | b24), a22 = b22 ^ (b24 & b26), a24 = b24 ^ (n26 & b28), a26 = n26 ^ (b28 | b20), a28 = b28 ^ (b20 & b22);
        S[20] = a20; S[22] = a22; S[24] = a24; S[26] = a26; S[28] = a28;
        c0 ^= a20; c2 ^= a22; c4 ^= a24; c6 ^= a26; c8 ^= a28;
        // plane 3, even halves
        const t30 = T[9] ^ d9, b30 = (t30 << 14) | (t30 >>> 18); // lane 4, ρ 27
        const t32 = T[10] ^ d0, b32 = (t32 << 18) | (t32 >>> 14); // lane 5, ρ 36
        const t34 = T[22] ^ d2, b34 = (t34 << 5) | (t34 >>> 27); // lane 11, ρ 10
        const t36 = T[35] ^ d5, b36 = (t36 << 8) | (t36 >>> 24); // lane 17, ρ 15
        const t38 = T[46] ^ d6, b38 = (t38 << 28) | (t38 >>> 4); // lane 23, ρ 56
        const n36 = ~b36;
        const a30 = b30 ^ (b32 & b34), a32 = b32 ^ (b34 | b36), a34 = b34 ^ (n36 | b38), a36 = n36 ^ (b38 & b30), a38 = b38 ^ (b30 | b32);
        S[30] = a30; S[32] = a32; S[34] = a34; S[36] = a36; S[38] = a38;
        c0 ^= a30; c2 ^= a32; c4 ^= a34; c6 ^= a36; c8 ^= a38;
        // plane 4, even halves
        const t40 = T[4] ^ d4, b40 = (t40 << 31) | (t40 >>> 1); // lane 2, ρ 62
        const t42 = T[17] ^ d7, b42 = (t42 << 28) | (t42 >>> 4); // lane 8, ρ 55
        const t44 = T[29] ^ d9, b44 = (t44 << 20) | (t44 >>> 12); // lane 14, ρ 39
        const t46 = T[31] ^ d1, b46 = (t46 << 21) | (t46 >>> 11); // lane 15, ρ 41
        const t48 = T[42] ^ d2, b48 = (t48 << 1) | (t48 >>> 31); // lane 21, ρ 2
        const n42 = ~b42;
        const a40 = b40 ^ (n42 & b44), a42 = n42 ^ (b44 | b46), a44 = b44 ^ (b46 & b48), a46 = b46 ^ (b48 | b40), a48 = b48 ^ (b40 & b42);
        S[40] = a40; S[42] = a42; S[44] = a44; S[46] = a46; S[48] = a48;
        c0 ^= a40; c2 ^= a42; c4 ^= a44; c6 ^= a46; c8 ^= a48;
        // plane 0, odd halves
        const b1 = T[1] ^ d1; // lane 0, ρ 0
        const t3 = T[13] ^ d3, b3 = (t3 << 22) | (t3 >>> 10); // lane 6, ρ 44
        const t5 = T[24] ^ d4, b5 = (t5 << 21) | (t5 >>> 11); // lane 12, ρ 43
        const t7 = T[36] ^ d6, b7 = (t7 << 10) | (t7 >>> 22); // lane 18, ρ 21
        const t9 = T[49] ^ d9, b9 = (t9 << 7) | (t9 >>> 25); // lane 24, ρ 14
        const n5 = ~b5;
        const a1 = b1 ^ (b3 | b5) ^ RCI[r + 3]!, a3 = b3 ^ (n5 | b7), a5 = b5 ^ (b7 & b9), a7 = b7 ^ (b9 | b1), a9 = b9 ^ (b1 & b3);
        S[1] = a1; S[3] = a3; S[5] = a5; S[7] = a7; S[9] = a9;
        c1 = a1; c3 = a3; c5 = a5; c7 = a7; c9 = a9;
        // plane 1, odd halves
        const t11 = T[7] ^ d7, b11 = (t11 << 14) | (t11 >>> 18); // lane 3, ρ 28
        const t13 = T[19] ^ d9, b13 = (t13 << 10) | (t13 >>> 22); // lane 9, ρ 20
        const t15 = T[20] ^ d0, b15 = (t15 << 1) | (t15 >>> 31); // lane 10, ρ 3
        const t17 = T[32] ^ d2, b17 = (t17 << 22) | (t17 >>> 10); // lane 16, ρ 45
        const t19 = T[44] ^ d4, b19 = (t19 << 30) | (t19 >>> 2); // lane 22, ρ 61
        const n19 = ~b19;
        const a11 = b11 ^ (b13 | b15), a13 = b13 ^ (b15 & b17), a15 = b15 ^ (b17 | n19), a17 = b17 ^ (b19 | b11), a19 = b19 ^ (b11 & b13);
        S[11] = a11; S[13] = a13; S[15] = a15; S[17] = a17; S[19] = a19;
        c1 ^= a11; c3 ^= a13; c5 ^= a15; c7 ^= a17; c9 ^= a19;
        // plane 2, odd halves
        const b21 = T[2] ^ d2; // lane 1, ρ 1
        const t23 = T[15] ^ d5, b23 = (t23 << 3) | (t23 >>> 29); // lane 7, ρ 6
        const t25 = T[26] ^ d6, b25 = (t25 << 12) | (t25 >>> 20); // lane 13, ρ 25
        const t27 = T[39] ^ d9, b27 = (t27 << 4) | (t27 >>> 28); // lane 19, ρ 8
        const t29 = T[41] ^ d1, b29 = (t29 << 9) | (t29 >>> 23); // lane 20, ρ 18
        const n27 = ~b27;
        const a21 = b21 ^ (b23 | b25), a23 = b23 ^ (b25 & b27), a25 = b25 ^ (n27 & b29), a27 = n27 ^ (b29 | b21), a29 = b29 ^ (b21 & b23);
        S[21] = a21; S[23] = a23; S[25] = a25; S[27] = a27; S[29] = a29;
        c1 ^= a21; c3 ^= a23; c5 ^= a25; c7 ^= a27; c9 ^= a29;
        // plane 3, odd halves
        const t31 = T[8] ^ d8, b31 = (t31 << 13) | (t31 >>> 19); // lane 4, ρ 27
        const t33 = T[11] ^ d1, b33 = (t33 << 18) | (t33 >>> 14); // lane 5, ρ 36
        const t35 = T[23] ^ d3, b35 = (t35 << 5) | (t35 >>> 27); // lane 11, ρ 10
        const t37 = T[34] ^ d4, b37 = (t37 << 7) | (t37 >>> 25); // lane 17, ρ 15
        const t39 = T[47] ^ d7, b39 = (t39 << 28) | (t39 >>> 4); // lane 23, ρ 56
        const n37 = ~b37;
        const a31 = b31 ^ (b33 & b35), a33 = b33 ^ (b35 | b37), a35 = b35 ^ (n37 | b39), a37 = n37 ^ (b39 & b31), a39 = b39 ^ (b31 | b33);
        S[31] = a31; S[33] = a33; S[35] = a35; S[37] = a37; S[39] = a39;
        c1 ^= a31; c3 ^= a33; c5 ^= a35; c7 ^= a37; c9 ^= a39;
        // plane 4, odd halves
        const t41 = T[5] ^ d5, b41 = (t41 << 31) | (t41 >>> 1); // lane 2, ρ 62
        const t43 = T[16] ^ d6, b43 = (t43 << 27) | (t43 >>> 5); // lane 8, ρ 55
        const t45 = T[28] ^ d8, b45 = (t45 << 19) | (t45 >>> 13); // lane 14, ρ 39
        const t47 = T[30] ^ d0, b47 = (t47 << 20) | (t47 >>> 12); // lane 15, ρ 41
        const t49 = T[43] ^ d3, b49 = (t49 << 1) | (t49 >>> 31); // lane 21, ρ 2
        const n43 = ~b43;
        const a41 = b41 ^ (n43 & b45), a43 = n43 ^ (b45 | b47), a45 = b45 ^ (b47 & b49), a47 = b47 ^ (b49 | b41), a49 = b49 ^ (b41 & b43);
        S[41] = a41; S[43] = a43; S[45] = a45; S[47] = a47; S[49] = a49;
        c1 ^= a41; c3 ^= a43; c5 ^= a45; c7 ^= a47; c9 ^= a49;
      }
    }
  }

  return {
    hash(src, off, len, dst, dstOff) {
      if (len === 32) return short(src, off, 0, 4, dst, dstOff);
      if (len === 64) return short(src, off, off + 32, 8, dst, dstOff);
      S.set(INIT);
      for (; len >= RATE; off += RATE, len -= RATE) {
        xorLanes(src, off, 0, RATE_LANES);
        permute();
      }
      // The last block: whole words, then the last 0–3 bytes with the pad byte 0x01 after them, in
      // lane `last`; the lanes after it stay zero but for the 0x80 that ends the block.
      const words = len >> 2, last = len >> 3;
      W[2 * last + 1] = 0;
      for (let i = 0; i < words; i++, off += 4) W[i] = word(src, off);
      let tail = 1 << (8 * (len & 3));
      for (let k = 0; k < (len & 3); k++) tail |= src[off + k]! << (8 * k);
      W[words] = tail;
      for (let k = 0; k <= last; k++) xorLane(k, W[2 * k]!, W[2 * k + 1]!);
      S[2 * RATE_LANES - 1]! ^= 0x80000000;
      permute();
      squeeze(dst, dstOff);
    },
    pair(src, a, b, dst, dstOff) {
      short(src, a, b, 8, dst, dstOff);
    },
  };
}

const hasher = wasmHasher() ?? jsHasher();

// ---------------------------------------------------------------------------------------------
// The API

/**
 * Keccak-256 of src[off, off + len) written to dst[dstOff, dstOff + 32). Allocates nothing but, on
 * the WebAssembly path, a subarray view for inputs over 32 bytes (faster than a byte loop there).
 */
export function keccak256Into(src: Uint8Array, off: number, len: number, dst: Uint8Array, dstOff: number): void {
  if (off < 0 || len < 0 || off + len > src.length || dstOff < 0 || dstOff + 32 > dst.length) throw new RangeError('keccak256Into: range outside the buffer');
  hasher.hash(src, off, len, dst, dstOff);
}

/** Keccak-256 of the 64 bytes src[a, a + 32) ‖ src[b, b + 32) into dst at dstOff: a Merkle pair, not concatenated first. */
export function keccak256PairInto(src: Uint8Array, a: number, b: number, dst: Uint8Array, dstOff: number): void {
  if (a < 0 || b < 0 || a + 32 > src.length || b + 32 > src.length || dstOff < 0 || dstOff + 32 > dst.length) throw new RangeError('keccak256PairInto: range outside the buffer');
  hasher.pair(src, a, b, dst, dstOff);
}

export function keccak256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  keccak256Into(data, 0, data.length, out, 0);
  return out;
}
