import { useState } from 'react';
import type { ImportRecord } from '../../../shared/api';
import { ImportErrors } from './ImportErrors';
import { dateTime } from '../../format';

const n = new Intl.NumberFormat();

const STATE_WORDS: Record<ImportRecord['state'], string> = {
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

interface ImportHistoryProps {
  imports: readonly ImportRecord[];
  onResume: (record: ImportRecord) => void;
  /** While another import runs here, resuming waits. */
  busy: boolean;
}

/** Earlier imports into this datanet: what each added, its problems, and Resume for those that did not finish. */
export function ImportHistory({ imports, onResume, busy }: ImportHistoryProps) {
  const [open, setOpen] = useState<string | null>(null);
  if (imports.length === 0) return null;
  return (
    <section className="import-history" aria-label="Earlier imports">
      <h4 className="import-history-title">Earlier imports</h4>
      <ul className="boxed-list">
        {imports.map((r) => (
          <li key={r.id} className="import-history-item" data-testid="import-history-item" data-state={r.state}>
            <div className="import-history-row">
              <span className={`import-state import-state-${r.state}`}>{STATE_WORDS[r.state]}</span>
              <span className="muted">{dateTime.format(r.updatedAt)}</span>
              <span>
                {n.format(r.itemsAdded)} items added
                {r.itemsDuplicate > 0 && `, ${n.format(r.itemsDuplicate)} already there`}
              </span>
              <span className="import-history-actions">
                {r.errors > 0 && (
                  <button
                    type="button"
                    className="button button-small"
                    aria-expanded={open === r.id}
                    onClick={() => setOpen(open === r.id ? null : r.id)}
                  >
                    {r.errors === 1 ? '1 problem' : `${n.format(r.errors)} problems`}
                  </button>
                )}
                {(r.state === 'interrupted' || r.state === 'cancelled' || r.state === 'failed') && (
                  <button type="button" className="button button-small" data-testid="import-resume" disabled={busy} onClick={() => onResume(r)}>
                    Resume
                  </button>
                )}
              </span>
            </div>
            {open === r.id && <ImportErrors importId={r.id} importPaths={r.paths} total={r.errors} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
