import { useSyncExternalStore } from 'react';
import { pageFromHash, pageHref, type PageId } from '../routes';

/** Rewrite an empty or unknown hash to the page it shows, so the address always names the page. */
export function normalizeHash(): void {
  const href = pageHref(pageFromHash(location.hash));
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

export function useHashRoute(): PageId {
  return useSyncExternalStore(subscribe, () => pageFromHash(location.hash));
}
