/**
 * The logits processors against small cases worked out by hand with transformers' definitions,
 * and the incremental text stream (multi-byte characters, stop strings) on a byte-level decoder.
 */
import { describe, expect, it } from 'vitest';
import { applyRepetitionPenalty, applyTemperature, applyTopK, applyTopP, argmax, chooseToken, sample } from '../../engine/generate/logits-processors';
import { TextStream } from '../../engine/generate/text-stream';
import { Prng } from '../../engine/train/prng';

const f32 = (xs: number[]) => Float32Array.from(xs);
const kept = (x: Float32Array) => [...x].map((v, i) => (v === -Infinity ? -1 : i)).filter((i) => i >= 0);

describe('logits processors', () => {
  it('repetition penalty divides positive and multiplies negative logits of seen tokens, once each', () => {
    const x = f32([2, -1, 0.5, -3]);
    applyRepetitionPenalty(x, [0, 1, 1, 0], 2);
    expect([...x]).toEqual([1, -2, 0.5, -3]);
    const y = f32([2, -1]);
    applyRepetitionPenalty(y, new Set([0, 1]), 0.5); // < 1 encourages repeats
    expect([...y]).toEqual([4, -0.5]);
  });

  it('temperature divides', () => {
    const x = f32([2, 4, -1]);
    applyTemperature(x, 2);
    expect([...x]).toEqual([1, 2, -0.5]);
  });

  it('top-k keeps the k largest, and ties with the k-th', () => {
    const x = f32([1, 3, 2, 3, 0]);
    applyTopK(x, 3);
    expect(kept(x)).toEqual([1, 2, 3]);
    const y = f32([1, 3, 2, 3, 0]);
    applyTopK(y, 1); // the largest is tied: both stay, as torch.topk's threshold keeps them
    expect(kept(y)).toEqual([1, 3]);
    const z = f32([1, 2]);
    applyTopK(z, 0); // off
    expect(kept(z)).toEqual([0, 1]);
  });

  it('top-p: probabilities 0.5, 0.3, 0.15, 0.05 (cumulated ascending 0.05, 0.2, 0.5, 1)', () => {
    const probs = [0.15, 0.5, 0.05, 0.3];
    const run = (p: number) => {
      const x = f32(probs.map(Math.log));
      applyTopP(x, p);
      return kept(x);
    };
    expect(run(0.7)).toEqual([1, 3]); // removes cumulative ≤ 0.3: the 0.05 and the 0.15
    expect(run(0.85)).toEqual([0, 1, 3]); // removes cumulative ≤ 0.15: the 0.05
    expect(run(0.4)).toEqual([1]); // removes ≤ 0.6: all but the 0.5
    expect(run(0.01)).toEqual([1]); // the most likely token always stays
    expect(run(1)).toEqual([0, 1, 2, 3]);
  });

  it('argmax takes the first of tied maxima', () => {
    expect(argmax(f32([0, 5, 1, 5]))).toBe(1);
  });

  it('sampling follows softmax and never picks a removed token', () => {
    const x = f32([Math.log(0.6), Math.log(0.3), -Infinity, Math.log(0.1)]);
    const rng = new Prng(1);
    const counts = [0, 0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[sample(x, rng)]!++;
    expect(counts[2]).toBe(0);
    expect(counts[0]! / n).toBeCloseTo(0.6, 1);
    expect(counts[1]! / n).toBeCloseTo(0.3, 1);
    expect(counts[3]! / n).toBeCloseTo(0.1, 1);
  });

  it('sampling with top-k 1 is the argmax; a seed repeats its draws', () => {
    const logits = f32(Array.from({ length: 100 }, (_, i) => Math.sin(i * 7.3)));
    const choice = { doSample: true, temperature: 1.3, topK: 1, topP: 1, repetitionPenalty: 1 };
    for (let seed = 0; seed < 5; seed++) expect(chooseToken(f32([...logits]), [], choice, new Prng(seed))).toBe(argmax(logits));
    const free = { ...choice, topK: 0 };
    const draws = (seed: number) => {
      const rng = new Prng(seed);
      return Array.from({ length: 20 }, () => chooseToken(f32([...logits]), [], free, rng));
    };
    expect(draws(3)).toEqual(draws(3));
    expect(draws(3)).not.toEqual(draws(4));
  });

  it('greedy applies the repetition penalty before the argmax', () => {
    const choice = { doSample: false, temperature: 1, topK: 0, topP: 1, repetitionPenalty: 3 };
    expect(chooseToken(f32([2, 1.5]), [0], choice, new Prng(0))).toBe(1); // 2/3 < 1.5
  });
});

/** A byte-level decoder like GPT-2's: each id is some bytes, and a partial UTF-8 character decodes to U+FFFD. */
function byteTokenizer(pieces: Uint8Array[]) {
  const utf8 = new TextDecoder();
  return {
    decode(ids: readonly number[]) {
      const bytes = ids.flatMap((i) => [...pieces[i]!]);
      return utf8.decode(Uint8Array.from(bytes));
    },
  };
}

/** Splits text into tokens of `size` bytes each (cutting through characters on purpose). */
function byteTokens(text: string, size: number): { pieces: Uint8Array[]; ids: number[] } {
  const bytes = new TextEncoder().encode(text);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.slice(i, i + size));
  return { pieces, ids: pieces.map((_, i) => i) };
}

function streamAll(text: string, size: number, stop: string[] = []) {
  const { pieces, ids } = byteTokens(text, size);
  const stream = new TextStream(byteTokenizer(pieces), stop);
  const deltas: string[] = [];
  for (const id of ids) {
    deltas.push(stream.push(id));
    if (stream.stopped !== null) break;
  }
  deltas.push(stream.finish());
  return { deltas, text: stream.text, stopped: stream.stopped };
}

describe('TextStream', () => {
  const text = 'héllo wörld € ✓ 😀 done';

  it('never splits a multi-byte character, and the deltas join to the text', () => {
    for (const size of [1, 2, 3, 5]) {
      const { deltas, text: out } = streamAll(text, size);
      expect(deltas.join(''), `tokens of ${size} bytes`).toBe(text);
      expect(out).toBe(text);
      for (const d of deltas) expect(d, `tokens of ${size} bytes`).not.toContain('\uFFFD');
      // Each delta is whole characters: encoding it alone gives valid UTF-8 that decodes to itself.
      for (const d of deltas) expect(new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(d))).toBe(d);
    }
  });

  it('stops at a stop string, which is not returned, and emits nothing past it', () => {
    const { deltas, text: out, stopped } = streamAll('abc\n\ndef', 1, ['\n\n']);
    expect(stopped).toBe('\n\n');
    expect(out).toBe('abc');
    expect(deltas.join('')).toBe('abc');
    // The first "\n" was held back (it could start "\n\n"), never emitted.
    expect(deltas).toEqual(['a', 'b', 'c', '', '', '']);
  });

  it('releases held-back text that turned out not to be a stop string', () => {
    const { deltas, text: out, stopped } = streamAll('ab\ncd\n', 1, ['\n\n']);
    expect(stopped).toBeNull();
    expect(out).toBe('ab\ncd\n');
    expect(deltas).toEqual(['a', 'b', '', '\nc', 'd', '', '\n']);
  });

  it('finds a stop string inside one token, and the earliest of several', () => {
    const { pieces } = byteTokens('xx END yy STOP zz', 100);
    const stream = new TextStream(byteTokenizer(pieces), ['STOP', 'END']);
    expect(stream.push(0)).toBe('xx ');
    expect(stream.stopped).toBe('END');
    expect(stream.finish()).toBe('');
  });

  it('a stop string made of a multi-byte character', () => {
    const { deltas, text: out } = streamAll(text, 1, ['€']);
    expect(out).toBe('héllo wörld ');
    expect(deltas.join('')).toBe(out);
  });
});
