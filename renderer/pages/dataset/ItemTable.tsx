import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { RowCache } from './row-cache';
import { ItemRow } from './ItemRow';
import { geometry, listTop, revealTop, ROW_HEIGHT, scrollTopFor, visibleRows } from './scroll-math';
import { isSelected, type Selection } from './selection';

/** Rows drawn above and below the viewport, so a fast wheel does not show blank space. */
const OVERSCAN = 6;
/** Must match .dv-head's height in DatasetView.css. */
const HEAD_HEIGHT = 36;

export interface PointerIntent {
  position: number;
  /** Shift: from the anchor to here. */
  range: boolean;
  /** Ctrl or ⌘: toggle this one, keep the rest. */
  toggle: boolean;
}

export type KeyIntent =
  | { kind: 'move'; position: number; extend: boolean }
  | { kind: 'toggle' }
  | { kind: 'all' }
  | { kind: 'clear' }
  | { kind: 'open' };

interface ItemTableProps {
  cache: RowCache;
  total: number;
  /** Only to re-render when rows arrive. */
  version: number;
  selection: Selection;
  focus: number;
  label: string;
  onPointer: (intent: PointerIntent) => void;
  onKey: (intent: KeyIntent) => void;
  onOpen: (position: number) => void;
}

const COLUMNS = ['Selected', '#', 'Content', 'Labels', 'Reviewed', 'Labeled by', 'Added'] as const;

/**
 * The virtualized grid. The scroll container holds a spacer as tall as the (possibly compressed,
 * see scroll-math) list; a sticky layer the size of the viewport holds only the visible rows
 * and is shifted by the sub-row offset. The offset is written straight to the layer's style on
 * every scroll event; React re-renders only when the set of visible rows changes.
 */
export function ItemTable({ cache, total, version, selection, focus, label, onPointer, onKey, onOpen }: ItemTableProps) {
  const idPrefix = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState(600);
  const g = geometry(total, viewport);
  const [rows, setRows] = useState(() => visibleRows(0, viewport, total, OVERSCAN));

  const place = useCallback(() => {
    const el = scroller.current;
    if (!el || !layer.current) return;
    const top = listTop(g, el.scrollTop);
    layer.current.style.transform = `translateY(${rows.first * ROW_HEIGHT - top}px)`;
    const next = visibleRows(top, viewport, total, OVERSCAN);
    setRows((cur) => (cur.first === next.first && cur.last === next.last ? cur : next));
    cache.want(next.first, next.last);
  }, [cache, g, viewport, total, rows.first]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(Math.max(ROW_HEIGHT, el.clientHeight - HEAD_HEIGHT));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // After each render (new rows, new size, new total) the layer's offset must match the rows drawn.
  useLayoutEffect(place);

  // Keyboard focus moved: bring its row into view.
  const lastFocus = useRef(focus);
  useEffect(() => {
    if (lastFocus.current === focus) return;
    lastFocus.current = focus;
    const el = scroller.current;
    if (!el) return;
    const top = listTop(g, el.scrollTop);
    const wanted = revealTop(top, viewport, focus);
    if (wanted !== top) el.scrollTop = scrollTopFor(g, wanted);
  }, [focus, g, viewport]);

  const positionOf = (e: MouseEvent): number | null => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-position]');
    return row ? Number(row.dataset.position) : null;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
    const mod = e.ctrlKey || e.metaKey;
    const move = (position: number) => onKey({ kind: 'move', position: Math.min(total - 1, Math.max(0, position)), extend: e.shiftKey });
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(focus + 1),
      ArrowUp: () => move(focus - 1),
      PageDown: () => move(focus + page),
      PageUp: () => move(focus - page),
      Home: () => move(0),
      End: () => move(total - 1),
      ' ': () => onKey({ kind: 'toggle' }),
      Enter: () => onKey({ kind: 'open' }),
      Escape: () => onKey({ kind: 'clear' }),
    };
    const action = mod && e.key.toLowerCase() === 'a' ? () => onKey({ kind: 'all' }) : mod ? undefined : keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  const drawn = [];
  for (let p = rows.first; p <= rows.last; p++) {
    drawn.push(
      <ItemRow
        key={p}
        id={`${idPrefix}-row-${p}`}
        position={p}
        item={cache.row(p)}
        selected={isSelected(selection, p)}
        focused={p === focus}
      />,
    );
  }
  const focusDrawn = focus >= rows.first && focus <= rows.last;

  return (
    <div
      ref={scroller}
      className="dv-grid"
      role="grid"
      aria-label={label}
      aria-rowcount={total + 1}
      aria-colcount={COLUMNS.length}
      aria-multiselectable="true"
      aria-activedescendant={focusDrawn ? `${idPrefix}-row-${focus}` : undefined}
      tabIndex={0}
      data-testid="dataset-table"
      data-version={version}
      onScroll={place}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        const position = positionOf(e);
        if (position !== null) onPointer({ position, range: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
      }}
      onDoubleClick={(e) => {
        const position = positionOf(e);
        if (position !== null) onOpen(position);
      }}
    >
      <div role="rowgroup" className="dv-head">
        <div role="row" aria-rowindex={1} className="dv-row dv-row-head">
          {COLUMNS.map((c, i) => (
            <div key={c} role="columnheader" className={`dv-cell${i === 0 ? ' dv-cell-check' : c === '#' ? ' dv-cell-end' : ''}`}>
              {i === 0 ? <span className="visually-hidden">{c}</span> : c}
            </div>
          ))}
        </div>
      </div>
      <div className="dv-spacer" style={{ height: g.spacer }}>
        <div role="rowgroup" className="dv-body" style={{ height: viewport }}>
          <div ref={layer} className="dv-layer">
            {drawn}
          </div>
        </div>
      </div>
    </div>
  );
}
