import { useEffect, useRef } from 'react';
import type { ImportRecord } from '../../../shared/api';
import type { LabelSchema } from '../../../shared/datanets/schema';
import { SearchModeSwitch } from './SearchModeSwitch';
import { SEMANTIC_RESULTS_ID } from './SemanticResults';
import type { SemanticAvailability } from './semantic-availability';
import { importChoices, isFiltered, labelChoices, DEFAULT_CONTROLS, type ViewControls } from './view-controls';

interface DatasetToolbarProps {
  controls: ViewControls;
  onChange: (next: ViewControls) => void;
  schema: LabelSchema;
  imports: readonly ImportRecord[];
  /** Whether the Meaning mode can be offered, and why not. */
  semantic: SemanticAvailability;
}


/** Search (`/` focuses it) by words or by meaning, filters and sort (word search only: meaning ranks). */
export function DatasetToolbar({ controls, onChange, schema, imports, semantic }: DatasetToolbarProps) {
  const meaning = controls.mode === 'meaning';
  const search = useRef<HTMLInputElement>(null);
  const set = <K extends keyof ViewControls>(key: K, value: ViewControls[K]) => onChange({ ...controls, [key]: value });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      // A slash typed into a field is text.
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      e.preventDefault();
      search.current?.focus();
      search.current?.select();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="dv-toolbar" role="search">
      <input
        ref={search}
        type="search"
        className="input dv-search"
        placeholder={meaning ? 'Describe what you are looking for   /' : 'Search text and labels   /'}
        aria-label={meaning ? 'Search items by meaning (press / to focus, ↓ to go to the results)' : 'Search items (press / to focus)'}
        aria-keyshortcuts="/"
        title={meaning ? undefined : 'Every word must match. "an exact phrase", pre* for words that start so, OR between two words for either.'}
        value={controls.text}
        onChange={(e) => set('text', e.target.value)}
        onKeyDown={(e) => {
          if (!meaning || e.key !== 'ArrowDown') return;
          const results = document.getElementById(SEMANTIC_RESULTS_ID);
          if (!results) return;
          e.preventDefault();
          results.focus();
        }}
        data-testid="dataset-search"
      />
      <SearchModeSwitch mode={controls.mode} availability={semantic} onChange={(mode) => set('mode', mode)} />
      {!meaning && <Filters controls={controls} set={set} schema={schema} imports={imports} onClear={() => onChange({ ...DEFAULT_CONTROLS, sort: controls.sort })} />}
    </div>
  );
}

interface FiltersProps {
  controls: ViewControls;
  set: <K extends keyof ViewControls>(key: K, value: ViewControls[K]) => void;
  schema: LabelSchema;
  imports: readonly ImportRecord[];
  onClear: () => void;
}

function Filters({ controls, set, schema, imports, onClear }: FiltersProps) {
  const sources = importChoices(imports, controls.importId);
  return (
    <>
      <label className="dv-inline">
        <span className="visually-hidden">Labeled</span>
        <select className="select dv-select" value={controls.labeled} onChange={(e) => set('labeled', e.target.value as ViewControls['labeled'])} data-testid="filter-labeled">
          <option value="any">Labeled or not</option>
          <option value="labeled">Labeled</option>
          <option value="unlabeled">Unlabeled</option>
        </select>
      </label>
      <label className="dv-inline">
        <span className="visually-hidden">Reviewed</span>
        <select className="select dv-select" value={controls.reviewed} onChange={(e) => set('reviewed', e.target.value as ViewControls['reviewed'])} data-testid="filter-reviewed">
          <option value="any">Reviewed or not</option>
          <option value="reviewed">Reviewed</option>
          <option value="unreviewed">Not reviewed</option>
        </select>
      </label>
      <label className="dv-inline">
        <span className="visually-hidden">Label value</span>
        <select className="select dv-select" value={controls.label} onChange={(e) => set('label', e.target.value)} data-testid="filter-label">
          <option value="">Any label value</option>
          {labelChoices(schema).map((c) => (
            <option key={c.key} value={c.key}>
              {c.text}
            </option>
          ))}
        </select>
      </label>
      {sources.length > 0 && (
        <label className="dv-inline">
          <span className="visually-hidden">Import</span>
          <select className="select dv-select" value={controls.importId} onChange={(e) => set('importId', e.target.value)} data-testid="filter-import">
            <option value="">Every import</option>
            {sources.map((c) => (
              <option key={c.id} value={c.id}>
                {c.text}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="dv-inline">
        <span className="visually-hidden">Sort</span>
        <select className="select dv-select" value={controls.sort} onChange={(e) => set('sort', e.target.value as ViewControls['sort'])} data-testid="sort">
          <option value="arrival">Oldest first</option>
          <option value="arrival_desc">Newest first</option>
        </select>
      </label>
      {isFiltered(controls) && (
        <button type="button" className="button button-small" onClick={onClear} data-testid="clear-filters">
          Clear filters
        </button>
      )}
    </>
  );
}
