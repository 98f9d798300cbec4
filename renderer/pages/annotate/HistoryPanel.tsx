import { useEffect } from 'react';
import type { AnnotationEvent } from '../../../shared/api/schemas/datanets';
import { useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';

const VERBS: Record<AnnotationEvent['kind'], string> = { set: 'set', undo: 'undid', redo: 'redid', import: 'imported' };

/** A value in a few words: the history lists changes, it does not re-show long texts. */
function summary(value: unknown): string {
  if (value === null || value === undefined) return 'cleared';
  if (Array.isArray(value)) {
    // Choices list themselves; spans and boxes by their labels.
    const names = value.map((v: unknown) => {
      const label = typeof v === 'string' ? v : (v as { label?: unknown } | null)?.label;
      return typeof label === 'string' ? label : '?';
    });
    return names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
  }
  if (typeof value === 'object') return 'prompt and response';
  if (typeof value !== 'string') return JSON.stringify(value);
  return value.length > 60 ? `“${value.slice(0, 60)}…”` : `“${value}”`;
}

function when(at: number): string {
  const d = new Date(at);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

/** Who changed what on this item, and when, newest first. `version` grows after each change to reload it. */
export function HistoryPanel({ itemId, version }: { itemId: string; version: number }) {
  const history = useCall('annotations.history', { item: itemId });
  const { reload } = history;
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);

  return (
    <section className="annotate-panel" aria-labelledby="history-title" data-testid="history-panel">
      <h2 id="history-title" className="annotate-panel-title">
        History
      </h2>
      {history.data ? (
        history.data.length === 0 ? (
          <p className="muted">No changes yet. Each label you set shows here with who set it and when.</p>
        ) : (
          // Focusable: it scrolls, and keyboard users must be able to scroll it.
          <ol className="history-list" tabIndex={0} aria-label="Changes, newest first">
            {[...history.data].reverse().map((e) => (
              <li key={e.seq} className="history-entry" data-testid="history-entry" data-kind={e.kind} data-field={e.field}>
                <div>
                  {/* "undid animal → cleared": the arrow reads as "now", so the value is not taken for the field's name. */}
                  <span className={`history-kind history-kind-${e.kind}`}>{VERBS[e.kind]}</span> <strong>{e.field === '$reviewed' ? 'reviewed' : e.field}</strong>
                  <span aria-hidden="true"> → </span>
                  <span className="visually-hidden"> to </span>
                  <span className="history-value">{e.field === '$reviewed' ? (e.value === true ? 'yes' : 'no') : summary(e.value)}</span>
                </div>
                <div className="history-meta">
                  {e.author} · <time dateTime={new Date(e.at).toISOString()}>{when(e.at)}</time>
                </div>
              </li>
            ))}
          </ol>
        )
      ) : (
        <CallFallback call={history} what="the history" />
      )}
    </section>
  );
}
