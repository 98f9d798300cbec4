import { describe, expect, it } from 'vitest';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import type { TrainingExampleCounts } from '../../shared/api/schemas/training';
import { SENTIMENT, call, testBackend } from '../fixtures/datanet-backend';

describe('training.examples', () => {
  it('counts the examples a version gives a field as a run reads them, and what it skips', async () => {
    const b = testBackend();
    const d = await call<Datanet>(b, 'datanets.create', { name: 'Reviews', license: 'MIT', schema: SENTIMENT });
    const items = b.datanets.db.transaction(() =>
      ['good', 'bad', 'fine', 'meh', ''].map((text) => b.datanets.items.insert(d.id, { content: { text, fields: {}, image: null }, source: null, importId: null })),
    )();
    await call(b, 'annotations.set', { item: items[0]!.id, field: 'sentiment', value: 'positive' });
    await call(b, 'annotations.set', { item: items[1]!.id, field: 'sentiment', value: 'negative' });
    // Labeled, but nothing to learn it from.
    await call(b, 'annotations.set', { item: items[4]!.id, field: 'sentiment', value: 'positive' });
    const job = await call<Job>(b, 'versions.create', { datanet: d.id });
    expect((await b.jobs.settled(job.id)).state).toBe('succeeded');

    const counts = await call<TrainingExampleCounts>(b, 'training.examples', { datanet: 'Reviews', field: 'sentiment' });
    expect(counts).toEqual({ version: 1, field: 'sentiment', read: 5, examples: 2, unlabeled: 2, noText: 1, invalid: 0 });
    await expect(call(b, 'training.examples', { datanet: 'Reviews', field: 'nope' })).rejects.toThrow(/has no field .{0,4}nope/);
  });
});
