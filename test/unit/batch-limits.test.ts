import { describe, expect, it } from 'vitest';
import { COMMIT_TARGET_MS, nextBatchLimits } from '../../electron/backend/datanets/import/batch-writer';

describe('import batch sizing by commit time', () => {
  const start = { items: 1000, textChars: 2_000_000 };

  it('shrinks a batch whose commit stalled the main thread, whichever limit cut it', () => {
    const next = nextBatchLimits(start, 10 * COMMIT_TARGET_MS, 1000, 500_000); // 10× the target
    expect(next.items).toBe(250); // at most 4× per step
    expect(next.textChars).toBe(125_000);
  });

  it('grows a batch that committed quickly, only along the limit that cut it', () => {
    expect(nextBatchLimits(start, COMMIT_TARGET_MS / 8, 1000, 100_000)).toEqual({ items: 4000, textChars: 2_000_000 }); // at most 4× per step
    expect(nextBatchLimits(start, COMMIT_TARGET_MS / 2, 10, 2_000_000)).toEqual({ items: 1000, textChars: 4_000_000 });
  });

  it('stays within its bounds and ignores empty commits', () => {
    expect(nextBatchLimits({ items: 60, textChars: 70_000 }, 10_000, 60, 70_000)).toEqual({ items: 50, textChars: 65_536 });
    expect(nextBatchLimits({ items: 10_000, textChars: 32 * 1024 * 1024 }, 1, 10_000, 0).items).toBe(10_000);
    expect(nextBatchLimits(start, 0, 0, 0)).toEqual(start);
  });
});
