import { useState } from 'react';
import type { ImportError } from '../../../shared/api';
import type { ApiFailure } from '../../../shared/api/errors';
import { toFailure, useApi, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { shownPath } from './import-paths';

const PAGE = 50;

interface ImportErrorsProps {
  importId: string;
  /** The paths the import was given, to show each problem's path relative to them. */
  importPaths: readonly string[];
  /** How many the import reported, to say how many are not listed yet. */
  total: number;
}

/** The problems of one import (file, line, reason), fifty at a time. */
export function ImportErrors({ importId, importPaths, total }: ImportErrorsProps) {
  const client = useApi();
  const first = useCall('imports.errors', { import: importId, after: 0, limit: PAGE });
  const [more, setMore] = useState<{ rows: ImportError[]; loading: boolean; error: ApiFailure | null; end: boolean }>({
    rows: [],
    loading: false,
    error: null,
    end: false,
  });

  if (total === 0) return null;
  if (!first.data) return <CallFallback call={first} what="the problems" />;
  const rows = [...first.data, ...more.rows];
  const end = first.data.length < PAGE || more.end;
  const last = rows.at(-1)?.seq ?? 0;

  function loadMore(): void {
    setMore((m) => ({ ...m, loading: true, error: null }));
    client.call('imports.errors', { import: importId, after: last, limit: PAGE }).then(
      (page) => setMore((m) => ({ rows: [...m.rows, ...page], loading: false, error: null, end: page.length < PAGE })),
      (err: unknown) => setMore((m) => ({ ...m, loading: false, error: toFailure(err) })),
    );
  }

  return (
    <div className="import-errors" data-testid="import-errors">
      <h4 className="import-errors-title">
        {total === 1 ? '1 problem' : `${total} problems`} <span className="muted import-errors-hint">— each is a line left out, or a whole file where no line is given; the rest was imported</span>
      </h4>
      <table className="import-errors-table">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.seq} data-testid="import-error">
              <td className="mono import-error-path" title={e.path} data-testid="import-error-path">
                {shownPath(e.path, importPaths)}
              </td>
              <td className="num mono" data-testid="import-error-line">
                {e.line ?? '—'}
              </td>
              <td className="import-error-reason">{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more.error && <ErrorMessage error={more.error} context="Could not load more problems." onRetry={loadMore} />}
      {!end && (
        <button type="button" className="button button-small" data-testid="import-errors-more" disabled={more.loading} onClick={loadMore}>
          {more.loading ? 'Loading…' : `Show more (${Math.max(0, total - rows.length)} not shown)`}
        </button>
      )}
    </div>
  );
}
