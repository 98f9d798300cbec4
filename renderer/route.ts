/** Where the app is: a page and the path segments after it (`#/datanets/dn_1` → datanets, ['dn_1']). */
export interface Route<P extends string = string> {
  readonly page: P;
  readonly params: readonly string[];
}

/** `hrefOf('annotate', ['dn_1', 'it_2'])` → `#/annotate/dn_1/it_2`; segments are URI-encoded. */
export function hrefOf(page: string, params: readonly string[]): string {
  return `#/${[page, ...params.map(encodeURIComponent)].join('/')}`;
}

/** Parse a location hash; an unknown page gives `fallback` (its parameters dropped). */
export function parseRoute<P extends string>(hash: string, pages: readonly P[], fallback: P): Route<P> {
  const [id = '', ...rest] = (hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/');
  const page = pages.find((p) => p === id);
  if (page === undefined) return { page: fallback, params: [] };
  const params: string[] = [];
  for (const segment of rest) {
    if (segment === '') continue;
    try {
      params.push(decodeURIComponent(segment));
    } catch {
      // A malformed %-escape: keep it as typed rather than lose the route.
      params.push(segment);
    }
  }
  return { page, params };
}

/** The `?…` part of a hash (`#/annotate/dn_1/it_2?list=view`), which routes leave out. */
export function hashQuery(hash: string): URLSearchParams {
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/**
 * The app's pages in sidebar order (Ctrl/Cmd+1..8 follow it). Here, not in routes.ts, which maps
 * them to components: pages link to each other, and importing routes.ts from a page would be a
 * cycle that leaves these functions undefined while the page module loads.
 */
export const PAGE_IDS = ['datanets', 'annotate', 'train', 'models', 'playground', 'contributions', 'wallet', 'settings'] as const;
export type PageId = (typeof PAGE_IDS)[number];
export const DEFAULT_PAGE: PageId = 'datanets';

export const pageHref = (id: PageId, ...params: readonly string[]): string => hrefOf(id, params);
export const routeFromHash = (hash: string): Route<PageId> => parseRoute(hash, PAGE_IDS, DEFAULT_PAGE);
export const pageFromHash = (hash: string): PageId => routeFromHash(hash).page;
export const routeHref = (route: Route<PageId>): string => hrefOf(route.page, route.params);
