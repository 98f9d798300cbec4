import { useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { EmptyState } from '../../components/EmptyState';
import { AnnotateIcon } from '../../components/icons';
import { Page } from '../../components/Page';
import { pageHref } from '../../route';
import { percent } from '../../format';

const count = new Intl.NumberFormat('en-US');

/** `#/annotate` with no datanet: choose one; each link starts at its first unlabeled item. */
export function DatanetPicker() {
  const list = useCall('datanets.list', {});
  return (
    <Page id="annotate" title="Annotate" lead="Pick a datanet: you start at its first item without a label.">
      {!list.data ? (
        <CallFallback call={list} what="the datanets" />
      ) : list.data.length === 0 ? (
        <EmptyState icon={AnnotateIcon} heading="No datanets yet">
          <p>
            Create a datanet and import items on the <a href={pageHref('datanets')}>Datanets page</a>; then label them here, one at a time, with the keyboard.
          </p>
        </EmptyState>
      ) : (
        <ul className="picker" data-testid="annotate-picker">
          {list.data.map((d) => {
            const share = percent(d.labeledCount, d.itemCount) ?? 0;
            return (
              <li key={d.id}>
                <a className="picker-item" href={pageHref('annotate', d.id)} data-testid={`annotate-pick-${d.name}`}>
                  <span className="picker-name">{d.name}</span>
                  <span className="picker-counts muted">
                    {count.format(d.labeledCount)} of {count.format(d.itemCount)} labeled ({share}%)
                  </span>
                  <span className="picker-bar" aria-hidden="true">
                    <span className="picker-bar-fill" style={{ width: `${share}%` }} />
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </Page>
  );
}
