import { describe, expect, it } from 'vitest';
import { cosineWithWarmupFactor, learningRateAt } from '../../engine/train/schedule';
import { Prng } from '../../engine/train/prng';

describe('warmup + cosine schedule (transformers get_cosine_schedule_with_warmup)', () => {
  it('matches values computed from transformers formula by hand', () => {
    // warmup 10, total 110: step/10 during warmup, then 0.5(1 + cos(π·(step-10)/100)).
    const s = { lr: 2e-4, warmupSteps: 10, totalSteps: 110 };
    expect(learningRateAt(s, 0)).toBe(0);
    expect(learningRateAt(s, 5)).toBeCloseTo(1e-4, 15);
    expect(learningRateAt(s, 10)).toBeCloseTo(2e-4, 15);
    expect(learningRateAt(s, 60)).toBeCloseTo(1e-4, 15);
    expect(learningRateAt(s, 35)).toBeCloseTo(2e-4 * 0.5 * (1 + Math.SQRT1_2), 15);
    expect(learningRateAt(s, 110)).toBeCloseTo(0, 15);
    expect(learningRateAt(s, 200)).toBeCloseTo(2e-4 * 0.5 * (1 + Math.cos(Math.PI * 1.9)), 15);
  });

  it('has no warmup at 0 warmup steps, and refuses nonsense', () => {
    expect(cosineWithWarmupFactor(0, 0, 100)).toBe(1);
    expect(() => learningRateAt({ lr: 1, warmupSteps: -1, totalSteps: 10 }, 0)).toThrow(/warmupSteps/);
    expect(() => learningRateAt({ lr: 1, warmupSteps: 0, totalSteps: 0 }, 0)).toThrow(/totalSteps/);
    expect(() => learningRateAt({ lr: 1, warmupSteps: 0, totalSteps: 10 }, 1.5)).toThrow(/step/);
  });
});

describe('Prng', () => {
  it('repeats by seed, differs across seeds, and resumes from its state', () => {
    const a = new Prng(42), b = new Prng(42), c = new Prng(43);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xs);
    const resumed = Prng.fromState(a.state);
    expect(resumed.nextFloat()).toBe(a.nextFloat());
    expect(() => Prng.fromState([0, 0, 0, 0])).toThrow(/not a xoshiro128/);
  });

  it('is the reference xoshiro128** for a known state', () => {
    // From the reference C code (prng.di.unimi.it/xoshiro128starstar.c) with s = {1, 2, 3, 4}.
    const p = Prng.fromState([1, 2, 3, 4]);
    expect([p.nextU32(), p.nextU32(), p.nextU32()]).toEqual([11520, 0, 5927040]);
  });

  it('draws uniform floats and unbiased integers, and shuffles', () => {
    const p = new Prng(1);
    let sum = 0;
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const x = p.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      counts[p.nextInt(3)]! += 1;
    }
    expect(sum / 30_000).toBeCloseTo(0.5, 2);
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(400);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(new Prng(9).shuffle([...items])).toEqual(new Prng(9).shuffle([...items]));
    expect([...new Prng(9).shuffle([...items])].sort()).toEqual(items);
  });
});
