import { useId, useState } from 'react';
import { submitOnCtrlEnter } from '../../../components/ctrl-enter';
import { DIFF_DETAILS, type Version, type VersionDiff, type VersionDiffDetail } from '../../../../shared/api';
import { useAction } from '../../../api';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { pageHref } from '../../../route';
import './compare-versions.css';

/**
 * The first records of each kind the diff lists, each with its details (text, changed labels);
 * the counts say how many there are in all.
 */
const SHOWN = DIFF_DETAILS;

const KINDS = [
  ['added', 'Added'],
  ['removed', 'Removed'],
  ['changed', 'Changed'],
] as const;

/** Pick two versions; see how many records were added, removed and changed, and the first of each: its text, and which labels changed from what to what. */
export function CompareVersions({ datanetId, versions }: { datanetId: string; versions: readonly Version[] }) {
  const diff = useAction('versions.diff');
  // Unset until the user picks: then the two newest, as they change with each freeze.
  const [picked, setPicked] = useState<{ from?: number; to?: number }>({});
  const fromId = useId();
  const toId = useId();
  if (versions.length < 2) {
    return (
      <p className="boxed-list-empty" data-testid="version-compare-needs-two">
        Comparing needs two versions{versions.length === 1 ? ': freeze another after some changes.' : '.'}
      </p>
    );
  }
  const numbers = versions.map((v) => v.number);
  const from = picked.from !== undefined && numbers.includes(picked.from) ? picked.from : numbers.at(-2)!;
  const to = picked.to !== undefined && numbers.includes(picked.to) ? picked.to : numbers.at(-1)!;

  function submit(): void {
    // No double request: the button is off while one is out, and a second submit waits for it.
    if (diff.pending) return;
    void diff.run({ datanet: datanetId, from, to, limit: SHOWN });
  }

  const select = (id: string, value: number, key: 'from' | 'to') => (
    <select id={id} className="select" value={value} data-testid={`version-compare-${key}`} onChange={(e) => setPicked({ ...picked, [key]: Number(e.target.value) })}>
      {[...versions].reverse().map((v) => (
        <option key={v.id} value={v.number}>
          v{v.number}
          {v.note ? ` — ${v.note.length > 40 ? `${v.note.slice(0, 40)}…` : v.note}` : ''}
        </option>
      ))}
    </select>
  );

  return (
    <div className="versions-compare">
      <form
        className="versions-compare-form"
        data-testid="version-compare-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        // A select does not submit on Enter; Ctrl/⌘+Enter does, from either.
        onKeyDown={submitOnCtrlEnter(submit)}
      >
        <label className="field" htmlFor={fromId}>
          <span className="field-label">From</span>
          {select(fromId, from, 'from')}
        </label>
        <span className="versions-compare-arrow" aria-hidden="true">
          →
        </span>
        <label className="field" htmlFor={toId}>
          <span className="field-label">To</span>
          {select(toId, to, 'to')}
        </label>
        <button type="submit" className="button" disabled={diff.pending || from === to} data-testid="version-compare">
          {diff.pending ? 'Comparing…' : 'Compare'}
        </button>
        {from === to && <span className="field-hint">Pick two different versions.</span>}
      </form>
      {diff.error && <ErrorMessage error={diff.error} context="Could not compare the versions." testId="version-compare-error" />}
      {diff.data && <DiffView datanetId={datanetId} diff={diff.data} />}
    </div>
  );
}

function DiffView({ datanetId, diff }: { datanetId: string; diff: VersionDiff }) {
  const { added, removed, changed } = diff.counts;
  const none = added + removed + changed === 0;
  return (
    <div className="versions-diff" role="status" data-testid="version-diff" data-added={added} data-removed={removed} data-changed={changed}>
      <p className="versions-diff-summary">
        v{diff.from} → v{diff.to}: {none ? 'the same records.' : `${added.toLocaleString()} added, ${removed.toLocaleString()} removed, ${changed.toLocaleString()} changed.`}
      </p>
      {!none && (
        <div className="versions-diff-kinds versions-diff-kinds-detailed">
          {KINDS.filter(([kind]) => diff.counts[kind] > 0).map(([kind, title]) => (
            <section key={kind} className="versions-diff-kind" aria-label={title} data-testid={`version-diff-${kind}`}>
              <h4 className="versions-diff-title">
                {title} <span className="muted">({diff.counts[kind].toLocaleString()})</span>
              </h4>
              <ul className="versions-diff-items versions-diff-records">
                {diff[kind].map((id) => (
                  <DiffRecord key={id} datanetId={datanetId} id={id} detail={diff.details[id]} />
                ))}
              </ul>
              {diff.counts[kind] > diff[kind].length && <p className="field-hint">and {(diff.counts[kind] - diff[kind].length).toLocaleString()} more</p>}
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

/** One listed record: its text cut short, each label that changed ("sentiment: neutral → positive"), its id linking to the annotate view. */
function DiffRecord({ datanetId, id, detail }: { datanetId: string; id: string; detail: VersionDiffDetail | undefined }) {
  return (
    <li className="versions-diff-record" data-testid="version-diff-record" data-item={id}>
      {detail && (
        <p className={detail.text ? 'versions-diff-text' : 'versions-diff-text versions-diff-none'} data-testid="version-diff-text">
          {detail.text ? `${detail.text}${detail.truncated ? '…' : ''}` : '(no text)'}
        </p>
      )}
      {detail && detail.changes.length > 0 && (
        <ul className="versions-diff-changes" aria-label="Labels changed">
          {detail.changes.map((c) => (
            <li key={c.field} data-testid="version-diff-change" data-field={c.field}>
              <span className="versions-diff-field">{c.field}</span>: <LabelValue text={c.before} className="versions-diff-before" /> →{' '}
              <LabelValue text={c.after} className="versions-diff-after" />
            </li>
          ))}
        </ul>
      )}
      {/* A removed item may be gone from the datanet; the link then says so on the annotate page. */}
      <a className="mono versions-diff-id" href={pageHref('annotate', datanetId, id)} data-testid="version-diff-item">
        {id}
      </a>
    </li>
  );
}

/** A label's short text, or "(none)" where the field had no value. */
function LabelValue({ text, className }: { text: string | null; className: string }) {
  return text === null ? <span className={`${className} versions-diff-none`}>(none)</span> : <span className={className}>{text}</span>;
}
