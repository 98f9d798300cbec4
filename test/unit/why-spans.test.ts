import { describe, expect, it } from 'vitest';
import { formatWei } from '../../renderer/format-wei';
import { formatScore, matchedRuns } from '../../renderer/pages/playground/why-spans';

describe('matchedRuns', () => {
  it('marks each span where its text occurs, in output order, and keeps every character', () => {
    const output = 'the cat sat on the mat';
    const runs = matchedRuns(output, [{ text: 'cat sat' }, { text: 'the mat' }]);
    expect(runs.map((r) => r.text).join('')).toBe(output);
    expect(runs.filter((r) => r.matched).map((r) => r.text)).toEqual(['cat sat', 'the mat']);
  });

  it('merges overlapping spans and skips one not in the output', () => {
    const runs = matchedRuns('abcdef', [{ text: 'abc' }, { text: 'cde' }, { text: 'zz' }]);
    expect(runs).toEqual([
      { text: 'abcde', matched: true },
      { text: 'f', matched: false },
    ]);
  });

  it('an output with no spans is one unmarked run', () => {
    expect(matchedRuns('hello', [])).toEqual([{ text: 'hello', matched: false }]);
  });
});

describe('formatWei and formatScore', () => {
  it('cuts wei to six decimals without rounding up', () => {
    expect(formatWei('1000000000000000000')).toBe('1');
    expect(formatWei('1999999999999999999')).toBe('1.999999');
    expect(formatWei('250000000000000')).toBe('0.00025');
    expect(formatWei(0n)).toBe('0');
  });

  it('scores keep three significant digits', () => {
    expect(formatScore(0.12345)).toBe('0.123');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(0.00012)).toBe('1.20e-4');
  });
});
