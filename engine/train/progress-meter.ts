/**
 * Speed and time left from the last few steps: tokens/s and seconds per step over a sliding window,
 * so a slow first step (ONNX Runtime warming up) or an eval pass fades out instead of skewing the
 * estimate for the whole run.
 */
export class ProgressMeter {
  private readonly marks: Array<{ t: number; tokens: number }>;
  private tokens = 0;

  constructor(
    start = performance.now(),
    private readonly window = 20,
  ) {
    this.marks = [{ t: start, tokens: 0 }];
  }

  /** A step finished at `now` after processing `tokens` tokens. */
  record(tokens: number, now = performance.now()): void {
    this.tokens += tokens;
    this.marks.push({ t: now, tokens: this.tokens });
    if (this.marks.length > this.window + 1) this.marks.shift();
  }

  tokensPerSecond(): number {
    const first = this.marks[0]!;
    const last = this.marks[this.marks.length - 1]!;
    const seconds = (last.t - first.t) / 1000;
    return seconds > 0 ? (last.tokens - first.tokens) / seconds : 0;
  }

  etaSeconds(remainingSteps: number): number {
    const steps = this.marks.length - 1;
    if (steps === 0) return Number.NaN;
    const perStep = (this.marks[steps]!.t - this.marks[0]!.t) / 1000 / steps;
    return remainingSteps * perStep;
  }
}
