/**
 * A small seeded PRNG (xoshiro128**, seeded through SplitMix32) for everything in a training run
 * that is random: LoRA initialization, data shuffling, dropout masks. One seed gives the same run
 * on every machine, and the state is four 32-bit words so a checkpoint can save and restore it
 * (resume continues the same sequence rather than restarting it).
 *
 * Math.random cannot be seeded, and a library would be a dependency for thirty lines.
 */

export type PrngState = readonly [number, number, number, number];

/** SplitMix32 spreads a small seed over all 128 bits, so seeds 1 and 2 give unrelated streams. */
function splitMix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Prng {
  private s: Uint32Array;

  /** `seed` is an integer (taken modulo 2^32). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error(`prng: the seed must be an integer, got ${seed}`);
    const next = splitMix32(seed);
    this.s = new Uint32Array([next(), next(), next(), next()]);
    // xoshiro's one bad state; SplitMix32 makes it practically unreachable, but make sure.
    if (this.s.every((w) => w === 0)) this.s[0] = 1;
  }

  static fromState(state: PrngState): Prng {
    if (!state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) || state.every((w) => w === 0)) {
      throw new Error(`prng: ${JSON.stringify(state)} is not a xoshiro128** state (four 32-bit words, not all zero)`);
    }
    const p = new Prng(0);
    p.s = new Uint32Array(state);
    return p;
  }

  get state(): PrngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  /** The next 32 random bits as an unsigned integer. */
  nextU32(): number {
    const s = this.s;
    let s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (two draws), like a double's full precision. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias (rejection sampling). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new Error(`prng: nextInt needs an integer bound in [1, 2^32], got ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** Fills `out` uniformly from [low, high). */
  fillUniform(out: Float32Array | Float64Array, low: number, high: number): void {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.nextFloat();
  }
}
