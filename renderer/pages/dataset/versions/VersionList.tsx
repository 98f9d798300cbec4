import type { Version } from '../../../../shared/api';
import { TableScroll } from '../../../components/TableScroll';
import { RootCell } from './RootCell';
import { dateTime } from '../../../format';


/** The datanet's versions, newest first: number, when, how many records, the note, the root. */
export function VersionList({ versions }: { versions: readonly Version[] }) {
  if (versions.length === 0) {
    return (
      <p className="boxed-list-empty" data-testid="version-list-empty">
        No versions yet: freeze one above.
      </p>
    );
  }
  return (
    <TableScroll label="Versions">
      <table className="data-table versions-table" data-testid="version-list">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Created</th>
            <th scope="col" className="num">
              Records
            </th>
            <th scope="col">Note</th>
            <th scope="col">Merkle root</th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((v) => (
            <tr key={v.id} data-testid="version-row" data-number={v.number}>
              <td className="nowrap">v{v.number}</td>
              <td className="nowrap">
                {dateTime.format(v.createdAt)}
              </td>
              <td className="num">{v.recordCount.toLocaleString()}</td>
              <td className="versions-note-cell">{v.note || <span className="muted">—</span>}</td>
              <td className="nowrap">
                <RootCell root={v.root} testId={`version-root-${v.number}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
