import { memo, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { TextSpan } from '../../../../shared/datanets/schema';
import { labelColor, labelSoftColor } from '../labelColors';
import { textChunks } from '../textChunks';
import { LabelPicker } from './LabelPicker';
import { asSpans, charStep, offsetOf, segments, selectionOf, wordStep, type Caret } from './spanText';
import type { FieldOf, FieldProps } from './types';
import { useDigitKeys } from './useDigitKeys';

interface ChunkProps {
  text: string;
  start: number;
  end: number;
  spans: readonly TextSpan[];
  labels: readonly string[];
  sel: { start: number; end: number } | null;
  caret: number | null;
  onRemove: (index: number) => void;
}

/** One block of the text with its marks. Memoized: a keystroke re-renders only the blocks it touches. */
const TextChunk = memo(
  function TextChunk({ text, start, end, spans, labels, sel, caret, onRemove }: ChunkProps) {
    return (
      <div className="spans-chunk">
        {segments(start, end, spans, sel).map((seg) => {
          const body = text.slice(seg.start, seg.end);
          const caretHere = caret !== null && caret >= seg.start && caret < seg.end ? caret - seg.start : -1;
          const content =
            caretHere < 0 ? (
              <span data-o={seg.start}>{body}</span>
            ) : (
              <>
                {caretHere > 0 && <span data-o={seg.start}>{body.slice(0, caretHere)}</span>}
                <span className="spans-caret" aria-hidden="true" data-caret />
                <span data-o={seg.start + caretHere}>{body.slice(caretHere)}</span>
              </>
            );
          const cls = seg.selected ? 'spans-selected' : undefined;
          if (seg.span < 0) return <span key={seg.start} className={cls}>{content}</span>;
          const span = spans[seg.span]!;
          return (
            <mark
              key={seg.start}
              className={`spans-mark ${cls ?? ''}`}
              style={{ background: labelSoftColor(labels, span.label), borderColor: labelColor(labels, span.label) }}
              title={`${span.label}: click to remove`}
              data-label={span.label}
              onClick={(e) => {
                // A drag that ends on a mark selects text; only a plain click removes.
                if (window.getSelection()?.isCollapsed !== false) {
                  e.stopPropagation();
                  onRemove(seg.span);
                }
              }}
            >
              {content}
            </mark>
          );
        })}
        {caret !== null && caret === end && end === text.length && <span className="spans-caret" aria-hidden="true" data-caret />}
      </div>
    );
  },
  (a, b) =>
    a.text === b.text &&
    a.start === b.start &&
    a.spans === b.spans &&
    a.caret === b.caret &&
    a.sel?.start === b.sel?.start &&
    a.sel?.end === b.sel?.end &&
    a.onRemove === b.onRemove,
);

/**
 * Spans of the item's text. Pick a label (its number key), then select text with the mouse (the
 * span is added when the button is released) or with the keyboard in the text (arrows move a
 * caret, Shift+arrows select, Enter adds). Click a mark, or Delete at the caret, to remove it.
 */
export function TextSpansField({ field, value, onChange, active, readOnly, item, labelId }: FieldProps<FieldOf<'text_spans'>>) {
  const text = item?.content.text ?? '';
  const spans = useMemo(() => asSpans(value), [value]);
  const [label, setLabel] = useState(field.labels[0]!);
  const [caret, setCaret] = useState<Caret | null>(null);
  const chunks = useMemo(() => textChunks(text), [text]);
  const regionRef = useRef<HTMLDivElement>(null);
  const hintId = useId();

  useDigitKeys(active && !readOnly, (digit) => {
    const l = field.labels[digit - 1];
    if (digit > 0 && l !== undefined) setLabel(l);
  });

  // Keep the caret in view as it moves through a long text.
  useEffect(() => {
    regionRef.current?.querySelector('[data-caret]')?.scrollIntoView({ block: 'nearest' });
  }, [caret]);

  const save = (next: TextSpan[]) => void onChange(next.length === 0 ? null : [...next].sort((a, b) => a.start - b.start || a.end - b.end));
  const add = (start: number, end: number) => {
    if (end <= start || readOnly) return;
    if (spans.some((s) => s.start === start && s.end === end && s.label === label)) return;
    save([...spans, { start, end, label }]);
  };
  // Stable per value, so the memoized chunks keep their props.
  const remove = useMemo(() => (index: number) => save(spans.filter((_, i) => i !== index)), [spans]); // eslint-disable-line react-hooks/exhaustive-deps

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const c = caret ?? { anchor: 0, focus: 0 };
    const move = (to: number) => {
      e.preventDefault();
      setCaret({ anchor: e.shiftKey ? c.anchor : to, focus: to });
    };
    const word = e.ctrlKey || e.altKey || e.metaKey;
    switch (e.key) {
      case 'ArrowRight':
        return move(word ? wordStep(text, c.focus, 1) : charStep(text, c.focus, 1));
      case 'ArrowLeft':
        return move(word ? wordStep(text, c.focus, -1) : charStep(text, c.focus, -1));
      case 'Home':
        return move(text.lastIndexOf('\n', c.focus - 1) + 1);
      case 'End': {
        const nl = text.indexOf('\n', c.focus);
        return move(nl < 0 ? text.length : nl);
      }
      case 'Enter': {
        e.preventDefault();
        const { start, end } = selectionOf(c);
        add(start, end);
        setCaret({ anchor: end, focus: end });
        return;
      }
      case 'Delete':
      case 'Backspace': {
        const at = spans.findIndex((s) => s.start <= c.focus && c.focus <= s.end);
        if (at >= 0 && !readOnly) {
          e.preventDefault();
          remove(at);
        }
        return;
      }
      case 'Escape':
        e.preventDefault();
        setCaret(null);
        regionRef.current?.blur();
        return;
    }
  };

  const onMouseUp = () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || !regionRef.current?.contains(selection.anchorNode)) return;
    const a = offsetOf(selection.anchorNode, selection.anchorOffset);
    const f = offsetOf(selection.focusNode, selection.focusOffset);
    if (a === null || f === null) return;
    if (a !== f) {
      add(Math.min(a, f), Math.max(a, f));
      selection.removeAllRanges();
    }
    setCaret({ anchor: f, focus: f });
  };

  const sel = caret && caret.anchor !== caret.focus ? selectionOf(caret) : null;
  const caretAt = caret && caret.anchor === caret.focus ? caret.focus : null;

  return (
    <div className="spans" role="group" aria-labelledby={labelId} data-testid={`spans-${field.name}`}>
      <LabelPicker labels={field.labels} label={label} onPick={setLabel} readOnly={readOnly} ariaLabel="Label for new spans" testIdPrefix={`span-label-${field.name}`} tintPicked />
      {item ? (
        <div
          ref={regionRef}
          className="spans-text selectable"
          tabIndex={0}
          role="group"
          aria-label="Text to mark"
          aria-describedby={hintId}
          data-testid={`spans-text-${field.name}`}
          onKeyDown={onKeyDown}
          onMouseUp={onMouseUp}
        >
          {text === '' ? (
            <p className="muted">This item has no text to mark.</p>
          ) : (
            chunks.map((ch) => (
              <TextChunk
                key={ch.start}
                text={text}
                start={ch.start}
                end={ch.end}
                spans={spans}
                labels={field.labels}
                sel={sel && sel.start < ch.end && sel.end > ch.start ? sel : null}
                caret={caretAt !== null && caretAt >= ch.start && (caretAt < ch.end || (caretAt === text.length && ch.end === text.length)) ? caretAt : null}
                onRemove={remove}
              />
            ))
          )}
        </div>
      ) : (
        <p className="spans-text spans-preview muted">The item’s text shows here; select a part of it to mark it with the chosen label.</p>
      )}
      <p id={hintId} className="field-hint">
        Select with the mouse, or in the text: arrows move, Shift+arrows select, Enter marks, Delete removes the mark at the caret.
      </p>
      {spans.length > 0 && (
        <ul className="spans-list" aria-label="Marked spans" data-testid={`spans-list-${field.name}`}>
          {spans.map((s, i) => (
            <li key={`${s.start}-${s.end}-${s.label}`} className="spans-list-item" data-testid="span-entry">
              <span className="swatch" style={{ background: labelColor(field.labels, s.label) }} aria-hidden="true" />
              <strong>{s.label}</strong>
              <span className="spans-list-text">“{text.slice(s.start, Math.min(s.end, s.start + 80))}{s.end - s.start > 80 ? '…' : ''}”</span>
              {!readOnly && (
                <button type="button" className="icon-button" aria-label={`Remove ${s.label} span “${text.slice(s.start, Math.min(s.end, s.start + 30))}”`} onClick={() => remove(i)}>
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
