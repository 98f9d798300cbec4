import { useState } from 'react';
import { formatValue } from '../models/format';
import { compareRuns, type Difference, type HistoryRow } from './history';
import { STATE_LABEL } from './LiveRun';
import { TableScroll } from '../../components/TableScroll';
import { dateTime } from '../../format';

interface RunHistoryProps {
  rows: HistoryRow[];
  /** Runs whose curve this app recorded: their name opens them above. */
  openable: ReadonlySet<string>;
  /** Show this run above (its chart, Resume). */
  onOpen: (out: string) => void;
}

const metric = (row: HistoryRow, key: string) => (row.metrics[key] === undefined ? '—' : formatValue(row.metrics[key]));

/** Every run with its settings and metrics; tick two to see them side by side. */
export function RunHistory({ rows, openable, onOpen }: RunHistoryProps) {
  const [picked, setPicked] = useState<string[]>([]);
  const chosen = picked.map((out) => rows.find((r) => r.out === out)).filter((r): r is HistoryRow => r !== undefined);

  function toggle(out: string, on: boolean): void {
    // Two at most: ticking a third lets go of the oldest pick.
    setPicked((p) => (on ? [...p.filter((x) => x !== out), out].slice(-2) : p.filter((x) => x !== out)));
  }

  if (rows.length === 0) return <p className="muted" data-testid="history-empty">No training runs yet.</p>;
  return (
    <>
      <p className="field-hint">Tick two runs to compare their settings and metrics.</p>
      <TableScroll label="Training runs">
        <table className="data-table" data-testid="run-history">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Compare</span>
              </th>
              <th scope="col">Run</th>
              <th scope="col">Data</th>
              <th scope="col">Model</th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Steps
              </th>
              <th scope="col" className="num">
                Train loss
              </th>
              <th scope="col" className="num">
                Eval loss
              </th>
              <th scope="col" className="num">
                Tokens/s
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.out} data-testid="history-row" data-run={r.out} data-state={r.state}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare ${r.out}`}
                    checked={picked.includes(r.out)}
                    data-testid="history-pick"
                    onChange={(e) => toggle(r.out, e.target.checked)}
                  />
                </td>
                <td>
                  {openable.has(r.out) ? (
                    <button type="button" className="run-link" data-testid="history-open" onClick={() => onOpen(r.out)}>
                      {r.out}
                    </button>
                  ) : (
                    <span>{r.out}</span>
                  )}
                  <span className="history-when">{r.at ? dateTime.format(r.at) : ''}</span>
                </td>
                <td>
                  {r.datanet ?? '—'}
                  {r.version !== null && ` · v${r.version}`}
                </td>
                <td>{r.model ?? '—'}</td>
                <td>
                  <span className={`run-state run-state-${r.state}`}>{STATE_LABEL[r.state]}</span>
                </td>
                <td className="num">
                  {r.done.toLocaleString()}
                  {r.total ? ` / ${r.total.toLocaleString()}` : ''}
                </td>
                <td className="num">{metric(r, 'trainLoss')}</td>
                <td className="num">{metric(r, 'evalLoss')}</td>
                <td className="num">{r.metrics.tokensPerSecond === undefined ? '—' : Math.round(r.metrics.tokensPerSecond).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {chosen.length === 2 && <CompareRuns a={chosen[0]!} b={chosen[1]!} />}
    </>
  );
}

function CompareRuns({ a, b }: { a: HistoryRow; b: HistoryRow }) {
  const [onlyDifferences, setOnly] = useState(true);
  const { settings, metrics } = compareRuns(a, b);
  const rows = (list: Difference[]) => (onlyDifferences ? list.filter((d) => d.differs) : list);
  return (
    <div className="compare" data-testid="run-compare">
      <div className="compare-head">
        <h3 className="compare-title">
          {a.out} and {b.out}
        </h3>
        <label className="radio">
          <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnly(e.target.checked)} data-testid="compare-only-differences" />
          Only what differs
        </label>
      </div>
      <TableScroll label="The two runs compared">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Setting or metric</th>
              <th scope="col">{a.out}</th>
              <th scope="col">{b.out}</th>
            </tr>
          </thead>
          <tbody>
            <CompareGroup title="Settings" list={rows(settings)} />
            <CompareGroup title="Metrics" list={rows(metrics)} />
          </tbody>
        </table>
      </TableScroll>
      {a.config === null || b.config === null ? (
        <p className="field-hint">A run started outside this app, and not finished, has no settings on record here.</p>
      ) : null}
    </div>
  );
}

function CompareGroup({ title, list }: { title: string; list: Difference[] }) {
  return (
    <>
      <tr className="compare-group">
        <th scope="rowgroup" colSpan={3}>
          {title} {list.length === 0 && <span className="muted">— the same</span>}
        </th>
      </tr>
      {list.map((d) => (
        <tr key={d.key} className={d.differs ? 'compare-differs' : undefined} data-testid="compare-row" data-key={d.key} data-differs={d.differs}>
          <th scope="row">
            {d.label}
            {d.differs && <span className="visually-hidden"> (differs)</span>}
          </th>
          <td className="mono">{formatValue(d.a)}</td>
          <td className="mono">{formatValue(d.b)}</td>
        </tr>
      ))}
    </>
  );
}
