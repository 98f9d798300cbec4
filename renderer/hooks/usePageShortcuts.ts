import { useEffect } from 'react';
import { pageHref } from '../route';
import { PAGES } from '../routes';

/** Ctrl+1..8 (⌘1..8 on macOS; either modifier is accepted) switch pages in sidebar order. */
export function usePageShortcuts(): void {
  useEffect(() => {
    function onKey(e: KeyboardEvent): void {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.repeat) return;
      // e.code, not e.key: layouts such as AZERTY need Shift for digits.
      const match = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
      const page = match ? PAGES[Number(match[1]) - 1] : undefined;
      if (!page) return;
      e.preventDefault();
      location.hash = pageHref(page.id);
    }
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
