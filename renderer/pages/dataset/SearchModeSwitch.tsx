import { useHashRoute } from '../../hooks/useHashRoute';
import { assistSettingsHref } from '../settings/assist-link';
import { useRemovedModel, type SemanticAvailability } from './semantic-availability';
import type { SearchMode } from './view-controls';

interface SearchModeSwitchProps {
  mode: SearchMode;
  availability: SemanticAvailability;
  onChange: (mode: SearchMode) => void;
}

/**
 * "Words | Meaning" beside the search box: two radios (arrow keys move between them), Meaning
 * disabled with the reason and a way to fix it when assist cannot answer for this datanet. When
 * the model was removed while the view was open, the view searches by words and this says why.
 */
export function SearchModeSwitch({ mode, availability, onChange }: SearchModeSwitchProps) {
  const ready = availability.kind === 'ready';
  const removed = useRemovedModel(availability);
  const note = removed !== null ? <RemovedNote model={removed} /> : noteFor(availability, mode);
  return (
    <div className="dv-mode">
      <fieldset className="dv-mode-switch" data-testid="search-mode">
        <legend className="visually-hidden">Search by</legend>
        <label className="dv-mode-option" title="Full-text search over item text and labels">
          <input type="radio" name="search-mode" value="words" checked={mode === 'words'} onChange={() => onChange('words')} data-testid="search-mode-words" />
          Words
        </label>
        <label className={`dv-mode-option${ready ? '' : ' dv-mode-option-disabled'}`} title="Items ranked by how close their meaning is to the search">
          <input
            type="radio"
            name="search-mode"
            value="meaning"
            checked={mode === 'meaning'}
            disabled={!ready}
            aria-describedby={note ? 'dv-mode-note' : undefined}
            onChange={() => onChange('meaning')}
            data-testid="search-mode-meaning"
          />
          Meaning
        </label>
      </fieldset>
      {note && (
        <span id="dv-mode-note" className="dv-mode-note" data-testid="search-mode-note" data-reason={availability.kind}>
          {note}
        </span>
      )}
    </div>
  );
}

// A component, not a module-level element: routes.ts imports the pages, so pageHref is not there yet when this module loads.
// To the Assist section with this datanet chosen; its id from the route (#/datanets/<id>), where this switch always is.
function SettingsLink() {
  const [datanetId = ''] = useHashRoute().params;
  return <a href={assistSettingsHref(datanetId)}>Settings → Assist</a>;
}

function RemovedNote({ model }: { model: string }) {
  return (
    <>
      The embedding model {model} was removed; searching by words. Import or download one in <SettingsLink /> to search by meaning again.
    </>
  );
}

function noteFor(a: SemanticAvailability, mode: SearchMode) {
  switch (a.kind) {
    case 'checking':
      return null;
    case 'unreachable':
      return <>Meaning search is unavailable: could not check assist ({a.message}).</>;
    case 'no_model':
      return <>Meaning search needs an embedding model on this computer: import or download one in <SettingsLink />.</>;
    case 'no_embeddings':
      return a.embedding ? <>Meaning search starts once items are embedded: embedding now…</> : <>Meaning search needs this datanet&apos;s items embedded: compute them in <SettingsLink />.</>;
    case 'ready':
      // Only worth saying while searching by meaning: the rest can't be found that way.
      if (mode !== 'meaning' || a.missing === 0) return null;
      return a.embedding ? (
        <>Embedding items… {a.missing.toLocaleString()} not searchable by meaning yet.</>
      ) : (
        <>
          {a.missing.toLocaleString()} {a.missing === 1 ? 'item is' : 'items are'} not embedded yet: <SettingsLink /> computes the rest.
        </>
      );
  }
}
