// The item ids behind a selection of list positions, for calls that take ids (a contribution of a
// selection). Bulk labeling sends the ranges themselves; a contribution record must name its items,
// so the positions are read back page by page through items.window.
import type { ItemFilter, ItemSort } from '../../../shared/api';
import { ApiFailure } from '../../../shared/api/errors';
import type { ApiClient } from '../../api/client';
import { selectedCount, type Selection } from './selection';

/** The most a selection may resolve to from the UI: 100,000 ids is about 3 MB to send. */
export const MAX_SELECTION_IDS = 100_000;
/** items.window's largest page. */
const PAGE = 500;

export interface ListRef {
  datanet: string;
  filter: ItemFilter;
  sort: ItemSort;
}

/**
 * Reads the ids at the selected positions, in list order. `expectTotal` is the list's length the
 * positions were chosen in: if the list changes while it reads (an import, a label moving items
 * out of the filter), positions name other items, so it stops with a message instead.
 */
export async function selectionItemIds(
  client: Pick<ApiClient, 'call'>,
  list: ListRef,
  selection: Selection,
  expectTotal: number,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<string[]> {
  const total = selectedCount(selection);
  if (total > MAX_SELECTION_IDS) {
    throw new ApiFailure({ code: 'conflict', message: `${total.toLocaleString()} items are selected; a contribution from here takes at most ${MAX_SELECTION_IDS.toLocaleString()}. Select fewer, contribute the whole version on the Contributions page, or use \`studio contribute NAME --items FILE\`.` });
  }
  const ids: string[] = [];
  for (const range of selection) {
    for (let offset = range.from; offset < range.to; offset += PAGE) {
      signal?.throwIfAborted();
      const limit = Math.min(PAGE, range.to - offset);
      const page = await client.call('items.window', { ...list, offset, limit });
      if (page.total !== expectTotal || page.items.length !== limit) {
        throw new ApiFailure({ code: 'conflict', message: `The list changed while the selection was read (${expectTotal.toLocaleString()} items then, ${page.total.toLocaleString()} now): select again.` });
      }
      for (const item of page.items) ids.push(item.id);
      onProgress?.(ids.length, total);
    }
  }
  return ids;
}
