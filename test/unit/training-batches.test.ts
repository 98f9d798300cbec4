import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { BatchSampler, evalBatches, IGNORE_INDEX, padRows, rowSourceIds, splitTrainEval, type Batch, type Row } from '../../engine/data/index';
import { loraSettings } from '../../engine/lora-io/adapter';
import { Prng } from '../../engine/train/prng';
import { loraFeeds, randomLora, session, tinyGpt2 } from '../integration/gpt2-fixture';

/** A row of `n` tokens for record `id`: ids id-dependent, every target kept but the last. */
function row(id: string, n: number, base = 1): Row {
  const ids = Int32Array.from({ length: n }, (_, t) => base + ((t * 7 + id.length * 3) % 50));
  const targets = Int32Array.from({ length: n }, (_, t) => (t + 1 < n ? ids[t + 1]! : IGNORE_INDEX));
  return { ids, targets, segments: [{ sourceIds: [id], start: 0, end: n }] };
}

const rows = Array.from({ length: 10 }, (_, i) => row(`r${i}`, 3 + (i % 4)));
const idsOf = (b: Batch) => b.rows.flatMap(rowSourceIds);

describe('padding', () => {
  it('pads each batch on the right to its longest row: pad id in the ids, -100 in the targets, 0 in the mask', () => {
    const b = padRows([row('a', 3), row('b', 5)], 99);
    expect([b.size, b.length]).toEqual([2, 5]);
    const at = (arr: BigInt64Array, r: number) => [...arr.subarray(r * 5, r * 5 + 5)].map(Number);
    expect(at(b.inputIds, 0)).toEqual([...row('a', 3).ids, 99, 99]);
    expect(at(b.targets, 0)).toEqual([...row('a', 3).targets, IGNORE_INDEX, IGNORE_INDEX]);
    expect(at(b.attentionMask, 0)).toEqual([1, 1, 1, 0, 0]);
    expect(at(b.inputIds, 1)).toEqual([...row('b', 5).ids]);
    expect(at(b.attentionMask, 1)).toEqual([1, 1, 1, 1, 1]);
    expect(b.targetCount).toBe(2 + 4);
    expect(() => padRows([], 0)).toThrow(/at least one row/);
    expect(() => padRows([row('a', 2)], -1)).toThrow(/padId must be a token id/);
  });

  it('eval batches keep the rows in order', () => {
    const batches = [...evalBatches(rows, { batchSize: 4, padId: 0 })];
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches.flatMap(idsOf)).toEqual(rows.flatMap(rowSourceIds));
    expect(() => evalBatches(rows, { batchSize: 0, padId: 0 })).toThrow(/batchSize must be an integer of at least 1, got 0/);
  });
});

describe('epoch order', () => {
  const take = (s: BatchSampler, n: number) => Array.from({ length: n }, () => idsOf(s.next()));

  it('every epoch visits every row once in a seeded order; the same seed gives the same batches, another seed others', () => {
    const s = new BatchSampler(rows, { batchSize: 4, seed: 7, padId: 0 });
    expect(s.batchesPerEpoch).toBe(3);
    const epoch0 = take(s, 3);
    expect(epoch0.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(s.position).toEqual({ epoch: 1, index: 0 });
    const epoch1 = take(s, 3);
    expect(epoch0.flat().sort()).toEqual(rows.flatMap(rowSourceIds).sort());
    expect(epoch1.flat().sort()).toEqual(rows.flatMap(rowSourceIds).sort());
    expect(epoch1.flat()).not.toEqual(epoch0.flat());
    // The order is the engine's Prng: epoch e is the (e+1)-th shuffle of Prng(seed).
    const prng = new Prng(7);
    const expected0 = prng.shuffle(rows.map((_, i) => i)).map((i) => `r${i}`);
    const expected1 = prng.shuffle(rows.map((_, i) => i)).map((i) => `r${i}`);
    expect(epoch0.flat()).toEqual(expected0);
    expect(epoch1.flat()).toEqual(expected1);
    expect(take(new BatchSampler(rows, { batchSize: 4, seed: 7, padId: 0 }), 6)).toEqual([...epoch0, ...epoch1]);
    expect(take(new BatchSampler(rows, { batchSize: 4, seed: 8, padId: 0 }), 3).flat()).not.toEqual(epoch0.flat());
  });

  it('a run resumed from a saved position takes exactly the batches the stopped run would have taken, across epochs', () => {
    const continuous = new BatchSampler(rows, { batchSize: 3, seed: 11, padId: 0 });
    const all = take(continuous, 12);
    for (const stopAfter of [1, 3, 4, 5, 9]) {
      const first = new BatchSampler(rows, { batchSize: 3, seed: 11, padId: 0 });
      take(first, stopAfter);
      const saved = first.savePosition();
      expect(JSON.parse(saved)).toMatchObject(first.position);
      const resumed = new BatchSampler(rows, { batchSize: 3, seed: 11, padId: 0, resume: saved });
      expect(resumed.position).toEqual(first.position);
      expect(take(resumed, 12 - stopAfter), `stopped after ${stopAfter}`).toEqual(all.slice(stopAfter));
    }
  });

  it('refuses to resume on other data, another seed, or a string that is not a position', () => {
    const s = new BatchSampler(rows, { batchSize: 3, seed: 11, padId: 0 });
    s.next();
    const saved = s.savePosition();
    expect(() => new BatchSampler(rows.slice(1), { batchSize: 3, seed: 11, padId: 0, resume: saved })).toThrow(/other data or another seed/);
    expect(() => new BatchSampler(rows, { batchSize: 3, seed: 12, padId: 0, resume: saved })).toThrow(/other data or another seed/);
    const changed = rows.map((r, i) => (i === 4 ? row('r4', r.ids.length + 1) : r));
    expect(() => new BatchSampler(changed, { batchSize: 3, seed: 11, padId: 0, resume: saved })).toThrow(/other data/);
    // The batch size may change: the position counts rows.
    expect(new BatchSampler(rows, { batchSize: 5, seed: 11, padId: 0, resume: saved }).position).toEqual({ epoch: 0, index: 3 });
    expect(() => new BatchSampler(rows, { batchSize: 3, seed: 11, padId: 0, resume: 'epoch 3' })).toThrow(/not a saved data position/);
    expect(() => new BatchSampler(rows, { batchSize: 3, seed: 11, padId: 0, resume: '{"epoch":-1,"index":0,"data":"x"}' })).toThrow(/not a saved data position/);
    const past = JSON.stringify({ ...JSON.parse(saved), index: 10 });
    expect(() => new BatchSampler(rows, { batchSize: 3, seed: 11, padId: 0, resume: past })).toThrow(/index 10 is past the 10 rows/);
    expect(() => new BatchSampler([], { batchSize: 3, seed: 11, padId: 0 })).toThrow(/no rows to train on/);
  });
});

describe('train/eval split', () => {
  const items = Array.from({ length: 200 }, (_, i) => ({ sourceIds: [`it_${i.toString(16).padStart(6, '0')}@${i}`] }));
  const evalIds = (split: { eval: { sourceIds: readonly string[] }[] }) => split.eval.map((e) => e.sourceIds[0]!).sort();

  it('holds out exactly round(fraction × n), the same ones for the same seed whatever the order, others for another seed', () => {
    const a = splitTrainEval(items, { seed: 1, fraction: 0.1 });
    expect(a.eval).toHaveLength(20);
    expect(a.train).toHaveLength(180);
    expect(new Set([...a.train, ...a.eval])).toEqual(new Set(items));
    // Both parts keep the input order.
    expect(a.train.map((x) => items.indexOf(x))).toEqual([...a.train.map((x) => items.indexOf(x))].sort((p, q) => p - q));
    expect(evalIds(splitTrainEval(items, { seed: 1, fraction: 0.1 }))).toEqual(evalIds(a));
    expect(evalIds(splitTrainEval(new Prng(5).shuffle([...items]), { seed: 1, fraction: 0.1 }))).toEqual(evalIds(a));
    const b = splitTrainEval(items, { seed: 2, fraction: 0.1 });
    expect(evalIds(b)).not.toEqual(evalIds(a));
  });

  it('stays put when the data grows: adding 20 records moves only a few of the held-out ones', () => {
    const a = evalIds(splitTrainEval(items, { seed: 3, fraction: 0.2 }));
    const more = [...items, ...Array.from({ length: 20 }, (_, i) => ({ sourceIds: [`it_new${i}@${200 + i}`] }))];
    const b = evalIds(splitTrainEval(more, { seed: 3, fraction: 0.2 }));
    expect(b).toHaveLength(44);
    const kept = a.filter((id) => b.includes(id)).length;
    expect(kept).toBeGreaterThanOrEqual(34);
  });

  it('keeps at least one of each side when it can, and checks its inputs', () => {
    const three = items.slice(0, 3);
    expect(splitTrainEval(three, { seed: 1, fraction: 0.01 }).eval).toHaveLength(1);
    expect(splitTrainEval(three, { seed: 1, fraction: 0.99 }).train).toHaveLength(1);
    expect(splitTrainEval(three, { seed: 1, fraction: 0 }).eval).toEqual([]);
    expect(splitTrainEval(items.slice(0, 1), { seed: 1, fraction: 0.5 }).eval).toEqual([]);
    expect(() => splitTrainEval(items, { seed: 1, fraction: 1 })).toThrow(/fraction must be at least 0 and below 1, got 1/);
    expect(() => splitTrainEval(items, { seed: 1.5, fraction: 0.1 })).toThrow(/seed must be an integer/);
  });
});

describe('batches in the training graph', () => {
  it('a padded batch gives the token-weighted mean of its rows’ losses: padding adds nothing', async () => {
    const model = tinyGpt2();
    try {
      const graph = await session(model.dir, { mode: 'train', lora: loraSettings('gpt2', { r: 4, alpha: 8 }) });
      const lora = loraFeeds(randomLora(graph.lora, 3));
      const loss = async (b: Batch) => {
        const out = await graph.session.run({
          input_ids: new ort.Tensor('int64', b.inputIds, [b.size, b.length]),
          targets: new ort.Tensor('int64', b.targets, [b.size, b.length]),
          ...lora,
        });
        return out.loss!.data[0] as number;
      };
      const three = [row('a', 5, 10), row('bb', 9, 20), row('ccc', 7, 30)];
      const alone = await Promise.all(three.map((r) => loss(padRows([r], 0))));
      const counts = three.map((r) => padRows([r], 0).targetCount);
      const weighted = alone.reduce((s, l, i) => s + l * counts[i]!, 0) / counts.reduce((s, c) => s + c, 0);
      const batch = padRows(three, 0);
      expect(batch.targetCount).toBe(counts.reduce((s, c) => s + c, 0));
      expect(Math.abs((await loss(batch)) - weighted)).toBeLessThan(1e-5 * weighted);
      // A different pad id changes nothing either.
      expect(Math.abs((await loss(padRows(three, 77))) - weighted)).toBeLessThan(1e-5 * weighted);
    } finally {
      model.cleanup();
    }
  });
});
