import { GraphBuilder } from '../graph/index';

/**
 * softmax(x · w) on [2, 8] × [8, 4]: a MatMul and a Softmax are the kernels every model graph leans
 * on, so a provider that runs this correctly has a device, a compiler for its kernels and a way
 * back to the host. Small enough to cost milliseconds on any of them.
 */
const [ROWS, INNER, COLS] = [2, 8, 4];

// Fixed, distinct values with no pattern a wrong kernel could match by chance.
const X = Float32Array.from({ length: ROWS * INNER }, (_, i) => Math.sin(1.3 * i + 0.7));
const W = Float32Array.from({ length: INNER * COLS }, (_, i) => Math.cos(0.9 * i + 0.2) * 0.8);

export interface ProbeGraph {
  model: Uint8Array;
  input: { name: 'x'; data: Float32Array; dims: [number, number] };
  output: 'y';
}

export function probeGraph(): ProbeGraph {
  const g = new GraphBuilder('provider_probe');
  const x = g.input('x', 'float', [ROWS, INNER]);
  const w = g.initializer('w', W, [INNER, COLS]);
  g.output(g.softmax(g.matmul(x, w), -1), 'y');
  return { model: g.encode(), input: { name: 'x', data: X, dims: [ROWS, INNER] }, output: 'y' };
}

/** The same arithmetic in float64. */
export function probeExpected(): Float64Array {
  const y = new Float64Array(ROWS * COLS);
  for (let r = 0; r < ROWS; r++) {
    const row = Array.from({ length: COLS }, (_, c) => {
      let s = 0;
      for (let k = 0; k < INNER; k++) s += X[r * INNER + k]! * W[k * COLS + c]!;
      return s;
    });
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, c) => (y[r * COLS + c] = v / sum));
  }
  return y;
}

/**
 * null when `got` is softmax(x · w) within float32 rounding, else what is wrong. 1e-5 absolute:
 * the values lie in (0, 1) and an 8-term float32 dot product is good to ~1e-6.
 */
export function probeMismatch(got: ArrayLike<number>): string | null {
  const want = probeExpected();
  if (got.length !== want.length) return `returned ${got.length} values instead of ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= 1e-5)) return `computed a wrong result (value ${i}: ${got[i]} instead of ${want[i]!.toFixed(7)})`;
  }
  return null;
}
