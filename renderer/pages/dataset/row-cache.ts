import type { ItemFilter, ItemPreview, ItemSort } from '../../../shared/api';
import type { ApiFailure } from '../../../shared/api/errors';
import { toFailure, type ApiClient } from '../../api';

export const PAGE_SIZE = 100;
/** Pages kept: 40 × 100 rows, so scrolling back a few screens needs no new call. */
const MAX_PAGES = 40;
/** At most one round of requests per this many ms: dragging the thumb across a million rows asks only for where it stops, more or less. */
const THROTTLE_MS = 60;

export interface RowQuery {
  datanet: string;
  filter: ItemFilter;
  sort: ItemSort;
}

type PageState = { state: 'loading' } | { state: 'loaded'; items: readonly ItemPreview[] } | { state: 'failed'; error: ApiFailure };

export interface CacheSnapshot {
  /** Matching items, null until the first window arrives. */
  total: number | null;
  error: ApiFailure | null;
  version: number;
}

/**
 * The table's rows, fetched a page at a time by position (items.window) as they come into view,
 * kept in a small LRU. Pages out of view when their turn comes are not fetched. When a reply says
 * the list's total changed (an import, a label moved items in or out of the filter), every other
 * cached page may be stale, so they are dropped and fetched again.
 */
export class RowCache {
  private readonly pages = new Map<number, PageState>();
  private wanted: { first: number; last: number } = { first: 0, last: 0 };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRound = 0;
  private snapshot: CacheSnapshot = { total: null, error: null, version: 0 };
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** Bumped whenever the cached pages are dropped, so a reply to an older request is not taken for a fresh one. */
  private epoch = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly query: RowQuery,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): CacheSnapshot => this.snapshot;

  row(position: number): ItemPreview | undefined {
    const page = this.pages.get(Math.floor(position / PAGE_SIZE));
    return page?.state === 'loaded' ? page.items[position % PAGE_SIZE] : undefined;
  }

  /** Rows first..last are on screen: fetch what is missing, soon. */
  want(first: number, last: number): void {
    this.wanted = { first, last };
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastRound + THROTTLE_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRound = performance.now();
      this.fetchWanted();
    }, wait);
  }

  /** Forget every row (after a bulk change) and fetch what is on screen again. */
  refresh(): void {
    this.drop();
    this.publish({ error: null });
    this.fetchWanted();
  }

  /** Fetch failed pages again. */
  retry(): void {
    for (const [k, p] of this.pages) if (p.state === 'failed') this.pages.delete(k);
    this.publish({ error: null });
    this.fetchWanted();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private fetchWanted(): void {
    const { first, last } = this.wanted;
    for (let k = Math.floor(first / PAGE_SIZE); k <= Math.floor(last / PAGE_SIZE); k++) {
      const page = this.pages.get(k);
      if (page) {
        // Most recently used moves to the end of the map's order.
        this.pages.delete(k);
        this.pages.set(k, page);
      } else {
        void this.fetch(k);
      }
    }
    this.evict(Math.floor(first / PAGE_SIZE), Math.floor(last / PAGE_SIZE));
  }

  private async fetch(k: number): Promise<void> {
    this.pages.set(k, { state: 'loading' });
    const epoch = this.epoch;
    let state: PageState;
    let total: number | null = this.snapshot.total;
    try {
      const window = await this.client.call('items.window', { ...this.query, offset: k * PAGE_SIZE, limit: PAGE_SIZE });
      state = { state: 'loaded', items: window.items };
      total = window.total;
    } catch (err) {
      state = { state: 'failed', error: toFailure(err) };
    }
    if (this.closed || epoch !== this.epoch || this.pages.get(k)?.state !== 'loading') return;
    if (this.snapshot.total !== null && total !== this.snapshot.total) {
      // The list changed under the cache: what it holds may sit at the wrong positions now.
      this.drop();
      this.pages.set(k, state);
      this.publish({ total, error: null });
      this.fetchWanted();
      return;
    }
    this.pages.set(k, state);
    this.publish({ total, error: state.state === 'failed' ? state.error : this.snapshot.error });
  }

  private drop(): void {
    this.pages.clear();
    this.epoch++;
  }

  private evict(keepFrom: number, keepTo: number): void {
    for (const k of this.pages.keys()) {
      if (this.pages.size <= MAX_PAGES) break;
      if (k < keepFrom || k > keepTo) this.pages.delete(k);
    }
  }

  private publish(change: Partial<Omit<CacheSnapshot, 'version'>>): void {
    this.snapshot = { ...this.snapshot, ...change, version: this.snapshot.version + 1 };
    for (const l of this.listeners) l();
  }
}
