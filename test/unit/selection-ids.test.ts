// The dataset view's "Contribute selection…" reads the ids behind selected positions page by page;
// it must take exactly the selected positions, stop when the list changed under it, and refuse
// a selection too large to send.
import { describe, expect, it } from 'vitest';
import { MAX_SELECTION_IDS, selectionItemIds } from '../../renderer/pages/dataset/selection-ids';

/** items.window over a list of `total` items whose ids name their positions; `calls` records each page asked. */
function fakeClient(total: () => number) {
  const calls: { offset: number; limit: number }[] = [];
  const client = {
    call: (name: string, input: { offset: number; limit: number }) => {
      if (name !== 'items.window') throw new Error(`unexpected call ${name}`);
      calls.push({ offset: input.offset, limit: input.limit });
      const n = total();
      const items = Array.from({ length: Math.max(0, Math.min(input.limit, n - input.offset)) }, (_, i) => ({ id: `it_${input.offset + i}` }));
      return Promise.resolve({ total: n, offset: input.offset, items });
    },
  } as unknown as Parameters<typeof selectionItemIds>[0];
  return { client, calls };
}

const list = { datanet: 'dn_x', filter: {}, sort: 'arrival' as const };

describe('selectionItemIds', () => {
  it('reads the selected positions, in pages of at most 500, in list order', async () => {
    const { client, calls } = fakeClient(() => 2000);
    const progress: number[] = [];
    const ids = await selectionItemIds(client, list, [{ from: 3, to: 5 }, { from: 10, to: 1210 }], 2000, (done) => progress.push(done));
    expect(ids).toHaveLength(1202);
    expect(ids.slice(0, 3)).toEqual(['it_3', 'it_4', 'it_10']);
    expect(ids.at(-1)).toBe('it_1209');
    expect(calls).toEqual([{ offset: 3, limit: 2 }, { offset: 10, limit: 500 }, { offset: 510, limit: 500 }, { offset: 1010, limit: 200 }]);
    expect(progress).toEqual([2, 502, 1002, 1202]);
  });

  it('stops when the list changed while it read', async () => {
    let total = 1000;
    const { client } = fakeClient(() => total++);
    await expect(selectionItemIds(client, list, [{ from: 0, to: 1000 }], 1000)).rejects.toThrow(/The list changed while the selection was read/);
  });

  it(`refuses more than ${MAX_SELECTION_IDS.toLocaleString()} items before reading any`, async () => {
    const { client, calls } = fakeClient(() => 1_000_000);
    await expect(selectionItemIds(client, list, [{ from: 0, to: MAX_SELECTION_IDS + 1 }], 1_000_000)).rejects.toThrow(/at most 100,000/);
    expect(calls).toEqual([]);
  });
});
