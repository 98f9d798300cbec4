import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { ImageBox } from '../../../../shared/datanets/schema';
import { labelColor } from '../labelColors';
import { ProgressiveImage } from '../ProgressiveImage';
import { LabelPicker } from './LabelPicker';
import { asBoxes, boxFrom, HANDLES, isSpeck, moved, resized, type Handle, type Point } from './boxGeometry';
import type { FieldOf, FieldProps } from './types';
import { useDigitKeys } from './useDigitKeys';
import { counted } from '../../../../shared/format';

type Drag =
  | { kind: 'draw'; origin: Point }
  | { kind: 'move'; index: number; grab: Point; box: ImageBox }
  | { kind: 'resize'; index: number; handle: Handle; box: ImageBox };

const ZOOM_MIN = 1;
const ZOOM_MAX = 8;
const clampZoom = (z: number) => Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, z));

/**
 * Boxes on the item's image. Drag on the picture to draw one with the chosen label; drag a box
 * to move it, its corners to resize it. With the picture focused: Delete removes the selected
 * box, arrows nudge it (Shift: further), + and − zoom, as does the wheel.
 */
export function ImageBoxesField({ field, value, onChange, active, readOnly, item, labelId }: FieldProps<FieldOf<'image_boxes'>>) {
  const saved = useMemo(() => asBoxes(value), [value]);
  const [draft, setDraft] = useState<ImageBox[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [label, setLabel] = useState(field.labels[0]!);
  const [zoom, setZoom] = useState(1);
  const drag = useRef<Drag | null>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const hintId = useId();
  const boxes = draft ?? saved;
  const image = item?.content.image ?? null;
  const sel = selected !== null && selected < boxes.length ? selected : null;

  const save = (next: ImageBox[]) => void onChange(next.length === 0 ? null : next);

  useDigitKeys(active && !readOnly, (digit) => {
    const l = field.labels[digit - 1];
    if (digit === 0 || l === undefined) return;
    setLabel(l);
    if (sel !== null && boxes[sel]!.label !== l) save(boxes.map((b, i) => (i === sel ? { ...b, label: l } : b)));
  });

  // The wheel zooms the picture; React's wheel listener is passive, so it could not stop the page scrolling.
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      setZoom((z) => clampZoom(z * (e.deltaY < 0 ? 1.25 : 0.8)));
    };
    viewport.addEventListener('wheel', onWheel, { passive: false });
    return () => viewport.removeEventListener('wheel', onWheel);
  }, [image]);

  const pointAt = (e: PointerEvent): Point => {
    const r = stageRef.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * 100, y: ((e.clientY - r.top) / r.height) * 100 };
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (readOnly || e.button !== 0) return;
    const target = e.target as HTMLElement;
    const p = pointAt(e);
    const boxEl = target.closest<HTMLElement>('[data-box]');
    const index = boxEl ? Number(boxEl.dataset.box) : null;
    if (index !== null && target.dataset.handle) drag.current = { kind: 'resize', index, handle: target.dataset.handle as Handle, box: boxes[index]! };
    else if (index !== null) drag.current = { kind: 'move', index, grab: p, box: boxes[index]! };
    else drag.current = { kind: 'draw', origin: p };
    setSelected(index);
    e.currentTarget.setPointerCapture(e.pointerId);
    e.currentTarget.focus({ preventScroll: true });
    e.preventDefault();
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const p = pointAt(e);
    if (d.kind === 'draw') setDraft([...saved, boxFrom(d.origin, p, label)]);
    else if (d.kind === 'move') setDraft(saved.map((b, i) => (i === d.index ? moved(d.box, p.x - d.grab.x, p.y - d.grab.y) : b)));
    else setDraft(saved.map((b, i) => (i === d.index ? resized(d.box, d.handle, p) : b)));
  };

  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (!d || !draft) return setDraft(null);
    if (d.kind === 'draw') {
      const drawn = draft[draft.length - 1]!;
      if (!isSpeck(drawn)) {
        save(draft);
        setSelected(draft.length - 1);
      }
    } else if (JSON.stringify(draft) !== JSON.stringify(saved) && !isSpeck(draft[d.index]!)) save(draft);
    setDraft(null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === '+' || e.key === '=' || e.key === '-') {
      e.preventDefault();
      setZoom((z) => clampZoom(z * (e.key === '-' ? 0.8 : 1.25)));
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setSelected(null);
      e.currentTarget.blur();
      return;
    }
    if (sel === null || readOnly || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      save(boxes.filter((_, i) => i !== sel));
      setSelected(null);
      return;
    }
    const step = e.shiftKey ? 5 : 0.5;
    const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (delta) {
      e.preventDefault();
      save(boxes.map((b, i) => (i === sel ? moved(b, delta[0]!, delta[1]!) : b)));
    }
  };

  return (
    <div className="boxes" role="group" aria-labelledby={labelId} data-testid={`boxes-${field.name}`}>
      <div className="boxes-toolbar">
        <LabelPicker labels={field.labels} label={label} onPick={setLabel} readOnly={readOnly} ariaLabel="Label for new boxes" testIdPrefix={`box-label-${field.name}`} />
        <div className="boxes-zoom" role="group" aria-label="Zoom">
          <button type="button" className="button button-small" aria-label="Zoom out" disabled={zoom <= ZOOM_MIN} onClick={() => setZoom((z) => clampZoom(z * 0.8))}>
            −
          </button>
          <output className="boxes-zoom-value" data-testid={`zoom-${field.name}`} aria-label="Zoom level">
            {Math.round(zoom * 100)}%
          </output>
          <button type="button" className="button button-small" aria-label="Zoom in" disabled={zoom >= ZOOM_MAX} onClick={() => setZoom((z) => clampZoom(z * 1.25))}>
            +
          </button>
          <button type="button" className="button button-small" onClick={() => setZoom(1)}>
            Fit
          </button>
        </div>
      </div>
      {image ? (
        <div className="boxes-viewport" ref={viewportRef}>
          <div
            ref={stageRef}
            className="boxes-stage"
            style={{ width: `calc(min(100%, ${((62 * image.width) / image.height).toFixed(2)}vh) * ${zoom})`, aspectRatio: `${image.width} / ${image.height}` }}
            tabIndex={0}
            role="group"
            aria-label={`Image, ${counted(boxes.length, 'box', 'boxes')}`}
            aria-describedby={hintId}
            data-testid={`boxes-stage-${field.name}`}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onKeyDown={onKeyDown}
          >
            <ProgressiveImage className="boxes-image" image={image} alt="" full={zoom > 1} />
            {boxes.map((b, i) => (
              <div
                key={i}
                className={`box${i === sel ? ' box-selected' : ''}`}
                data-box={i}
                data-testid="box"
                style={{ left: `${b.x}%`, top: `${b.y}%`, width: `${b.width}%`, height: `${b.height}%`, borderColor: labelColor(field.labels, b.label) }}
              >
                <span className="box-tag" style={{ background: labelColor(field.labels, b.label) }}>
                  {b.label}
                </span>
                {i === sel && !readOnly && HANDLES.map((h) => <span key={h} className={`box-handle box-handle-${h}`} data-handle={h} data-testid={`handle-${h}`} />)}
              </div>
            ))}
          </div>
        </div>
      ) : (
        <p className="boxes-preview muted">{item ? 'This item has no image to draw boxes on.' : 'The item’s image shows here; drag on it to draw a box with the chosen label.'}</p>
      )}
      <p id={hintId} className="field-hint">
        Drag to draw; drag a box to move it, a corner to resize. Focused: Delete removes, arrows nudge (Shift: more), + and − zoom.
      </p>
      {boxes.length > 0 && (
        <ul className="spans-list" aria-label="Boxes" data-testid={`boxes-list-${field.name}`}>
          {boxes.map((b, i) => (
            <li key={i} className={`spans-list-item${i === sel ? ' spans-list-item-selected' : ''}`}>
              <span className="swatch" style={{ background: labelColor(field.labels, b.label) }} aria-hidden="true" />
              <button type="button" className="link-button" aria-pressed={i === sel} onClick={() => setSelected(i === sel ? null : i)}>
                {b.label}
              </button>
              <span className="mono muted">
                {b.x.toFixed(1)}, {b.y.toFixed(1)} · {b.width.toFixed(1)} × {b.height.toFixed(1)} %
              </span>
              {!readOnly && (
                <button type="button" className="icon-button" aria-label={`Remove ${b.label} box ${i + 1}`} onClick={() => save(boxes.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
