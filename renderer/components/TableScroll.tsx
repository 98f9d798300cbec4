import type { ReactNode } from 'react';
import { useOverflows } from '../hooks/useOverflows';

/**
 * A table in a box that scrolls sideways when the window is too narrow for it: a region named
 * `label`, which takes focus while it scrolls so keyboard users can scroll it (and adds no tab
 * stop when it fits).
 */
export function TableScroll({ label, className = 'table-scroll', children }: { label: string; className?: string; children: ReactNode }) {
  const [ref, overflows] = useOverflows<HTMLDivElement>();
  return (
    <div ref={ref} className={className} role="region" aria-label={label} tabIndex={overflows ? 0 : undefined}>
      {children}
    </div>
  );
}
