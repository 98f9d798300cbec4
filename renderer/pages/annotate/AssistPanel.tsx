import { useEffect, useState } from 'react';
import type { Duplicates, Neighbour, Suggestion } from '../../../shared/api/schemas/assist';
import type { LabelField, LabelSchema } from '../../../shared/datanets/schema';
import { useCall, useEvent, type CallState } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { pageHref } from '../../route';
import { assistSettingsHref } from '../settings/assist-link';
import './AssistPanel.css';
import { counted } from '../../../shared/format';

interface AssistPanelProps {
  datanetId: string;
  itemId: string;
  schema: LabelSchema;
  /** The item's current labels: a suggestion it already carries is shown as accepted. */
  labels: Readonly<Record<string, unknown>>;
  onAccept: (field: string, value: unknown) => void;
}

/** Fields whose value neighbours can vote on (the backend's list, mirrored). */
const SUGGESTIBLE = new Set<LabelField['kind']>(['single_choice', 'image_class', 'multiple_choice', 'rating']);

/** Where typing must keep Tab for itself: text inputs, text areas, editable regions. */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset'].includes(target.type);
}

/** The same label, whatever order a multiple choice was picked in. */
function sameValue(a: unknown, b: unknown): boolean {
  const key = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...(v as unknown[])].map(String).sort() : v);
  return a !== undefined && b !== undefined && key(a) === key(b);
}

function valueText(value: unknown): string {
  return Array.isArray(value) ? (value.length ? value.join(', ') : 'none') : String(value);
}

const pct = (x: number) => `${Math.round(Math.max(0, x) * 100)}%`;

/**
 * Assist beside the annotation form: the label the nearest labeled items agree on (Tab accepts
 * it, once per item), and a warning when near-duplicates of this item exist.
 */
export function AssistPanel({ datanetId, itemId, schema, labels, onAccept }: AssistPanelProps) {
  const field = schema.fields.find((f) => SUGGESTIBLE.has(f.kind));
  const status = useCall('assist.status', { datanet: datanetId });
  const duplicates = useCall('assist.duplicates', { item: itemId });
  const { reload: reloadStatus } = status;
  const { reload: reloadDuplicates } = duplicates;

  // New embeddings (a job finished) can change every answer.
  useEvent('job.updated', (job) => {
    if (job.kind !== 'assist.embeddings' && job.kind !== 'assist.download') return;
    reloadStatus();
    if (job.state === 'succeeded') reloadDuplicates();
  });

  return (
    <section className="annotate-panel assist-panel" aria-labelledby="assist-title" data-testid="assist-panel">
      <h2 id="assist-title" className="annotate-panel-title">
        Assist
      </h2>
      {status.data ? (
        status.data.model === null ? (
          <NoModel datanetId={datanetId} />
        ) : (
          <>
            {field ? <SuggestionView key={`${itemId}:${field.name}`} itemId={itemId} field={field} current={labels[field.name]} onAccept={onAccept} /> : null}
            <DuplicatesView datanetId={datanetId} call={duplicates} />
            {status.data.embeddedCount < status.data.itemCount && (
              <p className="assist-note" data-testid="assist-coverage">
                {status.data.job ? 'Embedding items…' : `${status.data.embeddedCount} of ${status.data.itemCount} items embedded.`}{' '}
                <a href={assistSettingsHref(datanetId)}>Settings → Assist</a> computes the rest.
              </p>
            )}
          </>
        )
      ) : (
        <CallFallback call={status} what="assist" />
      )}
    </section>
  );
}

function NoModel({ datanetId }: { datanetId: string }) {
  return (
    <div className="assist-empty" data-testid="assist-no-model">
      <p>Assist suggests labels from similar labeled items and spots near-duplicates, with an embedding model on this computer.</p>
      <p>
        No model is installed yet: import a model folder or download one in <a href={assistSettingsHref(datanetId)}>Settings → Assist</a>.
      </p>
    </div>
  );
}

interface SuggestionViewProps {
  itemId: string;
  field: LabelField;
  /** The field's current value on the item, if any. */
  current: unknown;
  onAccept: (field: string, value: unknown) => void;
}

function SuggestionView({ itemId, field, current, onAccept }: SuggestionViewProps) {
  const suggestion = useCall('assist.suggest', { item: itemId, field: field.name });
  // Tab accepts once; after that it moves focus as usual (this view is re-keyed per item).
  const [acceptedHere, setAccepted] = useState(false);
  const loaded = suggestion.data?.kind === 'suggestion' && !suggestion.loading ? suggestion.data : null;
  // Already the item's label (set by hand, or accepted before): nothing left to accept, and Tab moves focus.
  const accepted = acceptedHere || (loaded !== null && sameValue(loaded.value, current));
  const offer = accepted ? null : loaded;

  useEffect(() => {
    if (!offer) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented || isTextEntry(e.target)) return;
      e.preventDefault();
      setAccepted(true);
      onAccept(offer.field, offer.value);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [offer, onAccept]);

  function accept(): void {
    if (!offer) return;
    setAccepted(true);
    onAccept(offer.field, offer.value);
  }

  if (!suggestion.data) return <CallFallback call={suggestion} what="the suggestion" />;
  return <SuggestionBody suggestion={suggestion.data} fieldName={field.name} accepted={accepted} onAccept={accept} />;
}

const NONE_TEXT: Record<Extract<Suggestion, { kind: 'none' }>['reason'], string> = {
  no_model: 'No embedding model is installed.',
  no_text: 'This item has no text for the model to read.',
  no_labeled_neighbours: 'No suggestion yet: label a few items first, then similar ones get a suggestion.',
};

function SuggestionBody({ suggestion, fieldName, accepted, onAccept }: { suggestion: Suggestion; fieldName: string; accepted: boolean; onAccept: () => void }) {
  if (suggestion.kind === 'none') {
    return (
      <p className="assist-note" data-testid="assist-no-suggestion" data-reason={suggestion.reason}>
        {NONE_TEXT[suggestion.reason]}
      </p>
    );
  }
  return (
    <div className="assist-suggestion" data-testid="assist-suggestion" data-value={JSON.stringify(suggestion.value)}>
      <div className="assist-suggestion-head">
        <span className="assist-suggestion-field">Suggested {fieldName}</span>
        <span className="assist-confidence" data-testid="assist-confidence" title="How strongly the nearest labeled items agree">
          {pct(suggestion.confidence)} sure
        </span>
      </div>
      <div className="assist-suggestion-row">
        <strong className="assist-suggestion-value">{valueText(suggestion.value)}</strong>
        <button type="button" className="button button-small" onClick={onAccept} aria-keyshortcuts="Tab" data-testid="assist-accept">
          {accepted ? 'Accepted' : 'Accept'} {!accepted && <kbd>Tab</kbd>}
        </button>
      </div>
      <details className="assist-neighbours">
        <summary>
          From {counted(suggestion.neighbours.length, 'similar labeled item')}
        </summary>
        <NeighbourList neighbours={suggestion.neighbours} showValue />
      </details>
    </div>
  );
}

function NeighbourList({ neighbours, showValue = false, datanetId }: { neighbours: readonly Neighbour[]; showValue?: boolean; datanetId?: string }) {
  return (
    <ul className="assist-list">
      {neighbours.map((n) => (
        <li key={n.itemId} className="assist-list-item">
          {datanetId ? (
            <a href={pageHref('annotate', datanetId, n.itemId)} className="assist-preview" data-testid="assist-duplicate-link">
              {n.preview || n.itemId}
            </a>
          ) : (
            <span className="assist-preview">{n.preview || n.itemId}</span>
          )}
          <span className="assist-meta">
            {showValue && <>{valueText(n.value)} · </>}
            {pct(n.similarity)} similar
          </span>
        </li>
      ))}
    </ul>
  );
}

function DuplicatesView({ datanetId, call }: { datanetId: string; call: CallState<Duplicates> }) {
  if (!call.data) return <CallFallback call={call} what="near-duplicates" />;
  if (call.data.items.length === 0) return null;
  const n = call.data.items.length;
  return (
    <div className="assist-duplicates" role="status" data-testid="assist-duplicates">
      <p className="assist-duplicates-title">
        {n === 1 ? 'A near-duplicate of this item exists' : `${n} near-duplicates of this item exist`}
      </p>
      <NeighbourList neighbours={call.data.items} datanetId={datanetId} />
    </div>
  );
}
