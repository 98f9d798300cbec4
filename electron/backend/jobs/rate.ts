/**
 * Units per second, smoothed so that a bursty job (one big file, then many small ones) gives an
 * ETA that does not jump around. Samples closer together than `minIntervalMs` are merged.
 */
export class RateMeter {
  private rate: number | null = null;
  private lastTime: number;
  private lastDone: number;

  constructor(
    start: number,
    private readonly minIntervalMs = 250,
    private readonly smoothing = 0.3,
  ) {
    this.lastTime = start;
    this.lastDone = 0;
  }

  sample(done: number, now: number): number | null {
    const dt = now - this.lastTime;
    if (dt < this.minIntervalMs) return this.rate;
    const instant = (Math.max(0, done - this.lastDone) * 1000) / dt;
    this.rate = this.rate === null ? instant : this.rate + this.smoothing * (instant - this.rate);
    this.lastTime = now;
    this.lastDone = done;
    return this.rate;
  }

  eta(done: number, total: number | null): number | null {
    if (total === null || this.rate === null || this.rate <= 0) return null;
    return Math.max(0, (total - done) / this.rate);
  }
}
