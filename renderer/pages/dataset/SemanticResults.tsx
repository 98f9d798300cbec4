import { useEffect, useId, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { DatanetSummary } from '../../../shared/api';
import type { SemanticSearchResult } from '../../../shared/api/schemas/assist';
import { useCall, useEvent } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { DatanetsIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { navigate } from '../../hooks/useHashRoute';
import { pageHref } from '../../route';
import { resultPreview } from './result-preview';
import { LabelChips, ReviewedMark } from './row-cells';

/** The results grid's element id: the search box's ArrowDown moves focus here. */
export const SEMANTIC_RESULTS_ID = 'dv-semantic-results';

/** The backend ranks every embedded item; more than this many is past anyone's reading. */
const LIMIT = 100;
/** Rows PageUp and PageDown move by. */
const PAGE = 10;

interface SemanticResultsProps {
  datanet: DatanetSummary;
  /** The debounced search text. */
  query: string;
  /**
   * A search failed: the view checks again whether Meaning search can answer at all. A model
   * removed elsewhere (another window, the CLI) makes every search fail; then the view falls
   * back to words and says why, instead of offering a Try again that cannot succeed.
   */
  onFailed: () => void;
}

/** Meaning mode's results: the items closest in meaning to the query, best first. */
export function SemanticResults({ datanet, query, onFailed }: SemanticResultsProps) {
  const q = query.trim();
  if (!q) {
    return (
      <div className="dv-browser" data-testid="semantic-prompt">
        <EmptyState icon={DatanetsIcon} heading="Search by meaning">
          <p>Describe what you are looking for in a few words or a sentence: the items of {datanet.name} closest in meaning come first, even when they share no word with it.</p>
        </EmptyState>
      </div>
    );
  }
  return <RankedResults datanet={datanet} query={q} onFailed={onFailed} />;
}

function RankedResults({ datanet, query, onFailed }: { datanet: DatanetSummary; query: string; onFailed: () => void }) {
  const results = useCall('assist.search', { datanet: datanet.id, query, limit: LIMIT });
  const { reload, error } = results;
  useEffect(() => {
    if (error) onFailed();
  }, [error, onFailed]);
  // Newly embedded items can rank among the closest.
  useEvent('job.updated', (job) => {
    if (job.kind === 'assist.embeddings' && job.state === 'succeeded') reload();
  });

  const status = (
    <div className="dv-status" aria-live="polite">
      {results.data && !results.error && (
        <span data-testid="semantic-count">
          {results.data.items.length === 0 ? 'No items ranked' : `${results.data.items.length.toLocaleString()} closest by meaning`}
        </span>
      )}
      {results.loading && <Spinner label="Searching by meaning…" />}
    </div>
  );

  if (results.error && !results.loading) {
    return (
      <div className="dv-browser">
        <ErrorMessage error={results.error} context="Semantic search failed. Try again, or search by words." onRetry={reload} testId="semantic-error" />
      </div>
    );
  }
  if (!results.data) return <div className="dv-browser dv-loading">{status}</div>;
  if (results.data.items.length === 0) {
    return (
      <div className="dv-browser" data-testid="semantic-empty">
        {status}
        <EmptyState icon={DatanetsIcon} heading="Nothing to rank">
          <p>None of the items of {datanet.name} that the model has embedded has text to compare with. Items without text, such as images, cannot be searched by meaning.</p>
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="dv-browser">
      {status}
      <p className="dv-bulk dv-bulk-idle">Ranked by how close each item&apos;s meaning is to the search. ↑ and ↓ move, Enter or a double click opens the item.</p>
      <ResultsGrid datanet={datanet} results={results.data} stale={results.loading} />
    </div>
  );
}

const COLUMNS = ['Rank', 'Content', 'Match', 'Labels', 'Reviewed'] as const;
const percent = (score: number) => `${Math.round(Math.max(0, score) * 100)}%`;

function ResultsGrid({ datanet, results, stale }: { datanet: DatanetSummary; results: SemanticSearchResult; stale: boolean }) {
  const idPrefix = useId();
  // Focus belongs to one list of results: new results start again at the best one.
  const [focus, setFocus] = useState<{ of: SemanticSearchResult; index: number }>({ of: results, index: 0 });
  const total = results.items.length;
  const index = focus.of === results ? Math.min(focus.index, total - 1) : 0;
  const rowId = (i: number) => `${idPrefix}-result-${i}`;

  // Keyboard focus moved: bring its row into view (a wheel scroll alone leaves it be).
  const focusedId = rowId(index);
  useEffect(() => {
    document.getElementById(focusedId)?.scrollIntoView({ block: 'nearest' });
  }, [focusedId, results]);

  const open = (i: number) => {
    const hit = results.items[i];
    if (hit) navigate(pageHref('annotate', datanet.id, hit.item.id));
  };
  const positionOf = (e: MouseEvent): number | null => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    return row ? Number(row.dataset.index) : null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const move = (i: number) => setFocus({ of: results, index: Math.min(total - 1, Math.max(0, i)) });
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(index + 1),
      ArrowUp: () => move(index - 1),
      PageDown: () => move(index + PAGE),
      PageUp: () => move(index - PAGE),
      Home: () => move(0),
      End: () => move(total - 1),
      Enter: () => open(index),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  return (
    <div
      id={SEMANTIC_RESULTS_ID}
      className={`dv-grid dv-sem-grid${stale ? ' dv-sem-stale' : ''}`}
      role="grid"
      aria-label={`Items of ${datanet.name} ranked by meaning`}
      aria-rowcount={total + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={focusedId}
      aria-busy={stale || undefined}
      tabIndex={0}
      data-testid="semantic-results"
      onKeyDown={onKeyDown}
      onClick={(e) => {
        const i = positionOf(e);
        if (i !== null) setFocus({ of: results, index: i });
      }}
      onDoubleClick={(e) => {
        const i = positionOf(e);
        if (i !== null) open(i);
      }}
    >
      <div role="rowgroup" className="dv-head">
        <div role="row" aria-rowindex={1} className="dv-row dv-sem-row dv-row-head">
          {COLUMNS.map((c) => (
            <div key={c} role="columnheader" className={c === 'Rank' ? 'dv-cell dv-cell-end' : 'dv-cell'}>
              {c}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup">
        {results.items.map(({ item, score }, i) => {
          const p = resultPreview(item, datanet.schema);
          return (
            <div
              key={item.id}
              id={rowId(i)}
              role="row"
              aria-rowindex={i + 2}
              aria-selected={i === index}
              className={`dv-row dv-sem-row${i === index ? ' dv-row-focused' : ''}`}
              data-testid="semantic-row"
              data-index={i}
              data-item-id={item.id}
              data-score={score}
            >
              <div role="gridcell" className="dv-cell dv-cell-num">
                {i + 1}
              </div>
              <div role="gridcell" className="dv-cell dv-cell-content">
                {p.thumbCid && <img className="dv-thumb" src={`/blobs/${p.thumbCid}`} alt="" width={36} height={36} loading="lazy" decoding="async" />}
                <span className="dv-text" data-testid="semantic-text" title={p.text}>
                  {p.text}
                  {p.truncated && '…'}
                </span>
              </div>
              <div role="gridcell" className="dv-cell dv-sem-score" data-testid="semantic-score">
                <span className="dv-sem-bar" aria-hidden="true">
                  <span style={{ width: percent(score) }} />
                </span>
                {percent(score)}
              </div>
              <div role="gridcell" className="dv-cell dv-cell-labels" data-testid="semantic-labels">
                <LabelChips labels={p.labels} />
              </div>
              <div role="gridcell" className="dv-cell dv-cell-reviewed">
                <ReviewedMark reviewed={p.reviewed} />
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
