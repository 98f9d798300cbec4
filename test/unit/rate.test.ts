import { describe, expect, it } from 'vitest';
import { RateMeter } from '../../electron/backend/jobs/rate';

describe('RateMeter', () => {
  it('measures a steady rate and the time left', () => {
    const m = new RateMeter(0);
    let rate: number | null = null;
    for (let t = 1; t <= 10; t++) rate = m.sample(t * 50, t * 1000);
    expect(rate).toBeCloseTo(50, 5);
    expect(m.eta(500, 1000)).toBeCloseTo(10, 5);
  });

  it('has no ETA without a total or before a first interval', () => {
    const m = new RateMeter(0);
    expect(m.sample(10, 100)).toBeNull();
    expect(m.eta(10, 100)).toBeNull();
    m.sample(20, 1000);
    expect(m.eta(20, null)).toBeNull();
  });

  it('smooths a burst instead of jumping to it', () => {
    const m = new RateMeter(0, 250, 0.3);
    m.sample(100, 1000);
    const after = m.sample(1100, 2000)!;
    expect(after).toBeGreaterThan(100);
    expect(after).toBeLessThan(1000);
  });
});
