import { describe, expect, it } from 'vitest';
import { scoreAll, topK, type VectorIndex } from '../../electron/backend/assist/vectors';

function index(rows: number[][]): VectorIndex {
  const dim = rows[0]!.length;
  return { dim, seqs: Int32Array.from(rows.map((_, i) => i + 1)), matrix: Float32Array.from(rows.flat()) };
}

describe('assist vector scan', () => {
  it('scores every row, whatever the dimension modulo the unrolled step', () => {
    for (const dim of [1, 3, 4, 5, 7, 9]) {
      const rows = [0, 1, 2].map((r) => Array.from({ length: dim }, (_, d) => (r + 1) * (d % 3 === 0 ? 1 : -0.5)));
      const query = Float32Array.from({ length: dim }, (_, d) => d + 1);
      const expected = rows.map((row) => row.reduce((s, x, d) => s + x * query[d]!, 0));
      const scores = scoreAll(index(rows), query);
      expect(scores).toHaveLength(3);
      expected.forEach((e, r) => expect(scores[r]).toBeCloseTo(e, 4));
    }
  });

  it('picks the k best rows in order, only among accepted ones, and copes with k larger than the rows', () => {
    const scores = Float32Array.from([0.1, 0.9, 0.5, 0.7, 0.3]);
    expect(topK(scores, 3)).toEqual([1, 3, 2]);
    expect(topK(scores, 2, (r) => r % 2 === 0)).toEqual([2, 4]);
    expect(topK(scores, 10)).toEqual([1, 3, 2, 4, 0]);
    expect(topK(scores, 3, () => false)).toEqual([]);
  });
});
