import type { KeyboardEvent } from 'react';
import type { DatanetSummary } from '../../../shared/api';
import { navigate } from '../../hooks/useHashRoute';
import { pageHref } from '../../route';
import { TableScroll } from '../../components/TableScroll';
import { percent } from '../../format';

interface DatanetListProps {
  datanets: readonly DatanetSummary[];
  onImport: (datanet: DatanetSummary) => void;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const numberFormat = new Intl.NumberFormat();

/** ↑/↓ move between rows: the row's name is the link, and the one stop in the Tab order per row. */
function moveFocus(e: KeyboardEvent<HTMLTableSectionElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>('a.datanet-link')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  if (at < 0) return;
  e.preventDefault();
  links[Math.max(0, Math.min(links.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
}

/** Every datanet with its size, how much is labeled, its last version and license; a row opens its dataset view. */
export function DatanetList({ datanets, onImport }: DatanetListProps) {
  return (
    <TableScroll label="Datanets" className="datanet-table-wrap">
      <table className="datanet-table" data-testid="datanet-list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              Items
            </th>
            <th scope="col">Labeled</th>
            <th scope="col">Last version</th>
            <th scope="col">License</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody onKeyDown={moveFocus}>
          {datanets.map((d) => {
            const href = pageHref('datanets', d.id);
            const share = d.itemCount > 0 ? d.labeledCount / d.itemCount : 0;
            const pct = percent(d.labeledCount, d.itemCount) ?? 0;
            return (
              <tr
                key={d.id}
                className="datanet-row"
                data-testid={`datanet-row-${d.name}`}
                data-id={d.id}
                // The whole row is a target for the mouse; the keyboard uses the name's link.
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('a, button')) return;
                  navigate(href);
                }}
              >
                <td className="datanet-name-cell">
                  <a className="datanet-link" href={href} data-testid="datanet-link">
                    {d.name}
                  </a>
                  {d.description && <span className="datanet-description">{d.description}</span>}
                </td>
                <td className="num" data-testid="datanet-items">
                  {numberFormat.format(d.itemCount)}
                </td>
                <td>
                  <span className="labeled-share" title={`${numberFormat.format(d.labeledCount)} of ${numberFormat.format(d.itemCount)} labeled`}>
                    <span
                      className="share-bar"
                      role="img"
                      aria-label={`${pct}% labeled (${numberFormat.format(d.labeledCount)} of ${numberFormat.format(d.itemCount)})`}
                    >
                      <span className="share-fill" style={{ transform: `scaleX(${share})` }} />
                    </span>
                    <span className="share-text" aria-hidden="true">
                      {pct}%
                    </span>
                  </span>
                </td>
                <td data-testid="datanet-version">
                  {d.lastVersion ? (
                    <span title={`Merkle root ${d.lastVersion.root}`}>
                      v{d.lastVersion.number} · {dateFormat.format(d.lastVersion.createdAt)}
                    </span>
                  ) : (
                    <span className="muted">None yet</span>
                  )}
                </td>
                <td>
                  <code className="license">{d.license}</code>
                </td>
                <td className="actions">
                  <button type="button" className="button button-small" data-testid="datanet-import" aria-label={`Import into ${d.name}`} onClick={() => onImport(d)}>
                    Import…
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
