import { useMemo, useSyncExternalStore } from 'react';
import { hashQuery, routeFromHash, routeHref, type PageId, type Route } from '../route';

/**
 * Rewrite an empty or unknown hash to the page it shows, so the address always names the page.
 * A known page keeps its `?…` part (the annotate view's `?list=view`).
 */
export function normalizeHash(): void {
  const route = routeFromHash(location.hash);
  const query = hashQuery(location.hash).toString();
  const known = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] === route.page;
  const href = routeHref(route) + (known && query ? `?${query}` : '');
  if (location.hash !== href) history.replaceState(history.state, '', href);
}

function subscribe(onChange: () => void): () => void {
  const handler = () => {
    normalizeHash();
    onChange();
  };
  addEventListener('hashchange', handler);
  return () => removeEventListener('hashchange', handler);
}

/** The current route; a new object only when the hash changes. */
export function useHashRoute(): Route<PageId> {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return useMemo(() => routeFromHash(hash), [hash]);
}

/** Go to a route (a new history entry, so Back returns). */
export function navigate(href: string): void {
  location.hash = href;
}
