import type { ItemFilter, ItemSort } from '../../../shared/api';
import { pageHref } from '../../route';
import { readStored } from '../../hooks/useStoredState';
import { isViewControls, toFilter, viewControlsKey } from '../dataset/view-controls';

/**
 * An item opened from a filtered or re-sorted dataset view is annotated in that list: Next goes
 * to the next match in the view's order. The address says so (`?list=view`), so Back, a reload
 * and undo's jumps keep it; the list itself is the view's controls as this window saved them.
 */
export const LIST_PARAM = 'list';

export interface ViewList {
  filter: ItemFilter;
  sort: ItemSort;
}

/** The dataset view's list as this window last showed it, or null when it showed the whole datanet in arrival order. */
export function viewList(datanetId: string): ViewList | null {
  const stored = readStored(viewControlsKey(datanetId), isViewControls, 'session');
  if (!stored) return null;
  // Meaning search ranks by similarity, which is no filter to step through: its text is left out.
  const filter = toFilter(stored, stored.mode === 'words' ? stored.text : '');
  if (Object.keys(filter).length === 0 && stored.sort === 'arrival') return null;
  return { filter, sort: stored.sort };
}

/** The annotate address of an item, in the list or in the whole datanet. */
export function annotateHref(datanetId: string, itemId: string, inList: boolean): string {
  return `${pageHref('annotate', datanetId, itemId)}${inList ? `?${LIST_PARAM}=view` : ''}`;
}
