import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/**
 * Whether the element's content is taller or wider than the element, so that it scrolls. A box that
 * scrolls must take focus, or keyboard users cannot read the rest (WCAG 2.1.1; axe-core's
 * scrollable-region-focusable); one that does not scroll should not add a tab stop. Checked
 * after each render (the content may have changed) and, by one observer for the element's
 * life, whenever the element is resized (the window, a panel).
 */
export function useOverflows<T extends HTMLElement>(): [RefObject<T | null>, boolean] {
  const ref = useRef<T | null>(null);
  const [overflows, setOverflows] = useState(false);
  const check = useCallback(() => {
    const el = ref.current;
    if (el) setOverflows(el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
  }, []);
  useLayoutEffect(check);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(check);
    observer.observe(el);
    return () => observer.disconnect();
  }, [check]);
  return [ref, overflows];
}
