import { annotateHref } from '../annotate/view-list';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { DatanetSummary, ItemFilter, ItemSort } from '../../../shared/api';
import { useAction, useApi, useEvent } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { DatanetsIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { navigate } from '../../hooks/useHashRoute';
import { useTrackedJob } from '../../hooks/useTrackedJob';
import { BulkLabelBar } from './BulkLabelBar';
import { ContributeSelection } from './ContributeSelection';
import { ItemTable, type KeyIntent, type PointerIntent } from './ItemTable';
import { RowCache } from './row-cache';
import { NONE, selectedCount, toggled, withRange, type Selection } from './selection';

interface ItemBrowserProps {
  datanet: DatanetSummary;
  filter: ItemFilter;
  sort: ItemSort;
  filtered: boolean;
  onClearFilters: () => void;
  /** Labels or items changed: the header's counts are stale. */
  onChanged: () => void;
}

/**
 * The table of one filtered, sorted list with its selection and bulk labeling. Keyed by the list
 * (datanet, filter, sort) by its parent: a new list starts with a fresh cache, no selection and
 * focus on the first row, because positions of the old list mean nothing in the new one.
 */
export function ItemBrowser({ datanet, filter, sort, filtered, onClearFilters, onChanged }: ItemBrowserProps) {
  const client = useApi();
  const cache = useMemo(() => new RowCache(client, { datanet: datanet.id, filter, sort }), [client, datanet.id, filter, sort]);
  useEffect(() => {
    cache.want(0, 30);
    return () => cache.close();
  }, [cache]);
  const snapshot = useSyncExternalStore(cache.subscribe, cache.getSnapshot);
  const total = snapshot.total;

  const [selection, setSelection] = useState<Selection>(NONE);
  const [anchor, setAnchor] = useState(0);
  const [focus, setFocus] = useState(0);
  const [contributing, setContributing] = useState(false);

  const bulk = useAction('annotations.bulkSet');
  const { job, track } = useTrackedJob();
  const finished = job && job.state !== 'running' ? job : null;
  useEffect(() => {
    if (finished?.state !== 'succeeded') return;
    // Labels moved: rows show stale chips, and items may have left or joined the filter.
    cache.refresh();
    onChanged();
  }, [finished?.id, finished?.state, cache, onChanged]);

  // An import into this datanet ended (or made progress): new rows, new counts.
  useEvent('job.updated', (update) => {
    if (update.kind !== 'datanet.import' || update.state === 'running') return;
    cache.refresh();
    onChanged();
  });

  if (total === null) {
    if (snapshot.error) return <ErrorMessage error={snapshot.error} context="Could not load the items." onRetry={() => cache.retry()} testId="dataset-error" />;
    return (
      <div className="dv-loading" data-testid="dataset-loading">
        <Spinner label="Loading items…" />
      </div>
    );
  }
  if (total === 0) {
    return filtered ? (
      <div data-testid="dataset-no-match">
        <EmptyState icon={DatanetsIcon} heading="No items match">
          <p>Nothing in {datanet.name} matches this search and these filters.</p>
          <p>
            <button type="button" className="button button-small" onClick={onClearFilters}>
              Clear filters
            </button>
          </p>
        </EmptyState>
      </div>
    ) : (
      <div data-testid="dataset-empty">
        <EmptyState icon={DatanetsIcon} heading="No items yet">
          <p>Import files into {datanet.name} to see its items here: text, JSONL, CSV, images, Label Studio or Hugging Face exports.</p>
        </EmptyState>
      </div>
    );
  }

  const count = selectedCount(selection);
  const onPointer = ({ position, range, toggle }: PointerIntent) => {
    setFocus(position);
    if (range) {
      setSelection((s) => withRange(toggle ? s : NONE, anchor, position));
      return;
    }
    setAnchor(position);
    setSelection((s) => (toggle ? toggled(s, position) : withRange(NONE, position, position)));
  };
  const open = (position: number) => {
    const item = cache.row(position);
    // A filtered or re-sorted list goes with the item: Next in the annotate view is the next row here.
    if (item) navigate(annotateHref(datanet.id, item.id, filtered || sort !== 'arrival'));
  };
  const onKey = (intent: KeyIntent) => {
    switch (intent.kind) {
      case 'move':
        setFocus(intent.position);
        if (intent.extend) setSelection(withRange(NONE, anchor, intent.position));
        else setAnchor(intent.position);
        return;
      case 'toggle':
        setAnchor(focus);
        setSelection((s) => toggled(s, focus));
        return;
      case 'all':
        setSelection([{ from: 0, to: total }]);
        return;
      case 'clear':
        setSelection(NONE);
        return;
      case 'open':
        open(focus);
    }
  };
  const apply = async (field: string, value: unknown) => {
    const started = await bulk.run({ datanet: datanet.id, filter, sort, ranges: [...selection], expectTotal: total, field, value });
    if (!started) return;
    // The selection is spent: when the job ends, positions may name other items.
    setSelection(NONE);
    track(started);
  };

  return (
    <div className="dv-browser">
      <div className="dv-status" aria-live="polite">
        <span data-testid="dataset-count">
          {filtered ? `${total.toLocaleString()} of ${datanet.itemCount.toLocaleString()} items match` : `${total.toLocaleString()} items`}
        </span>
        {finished?.state === 'succeeded' && (
          <span className="dv-result" data-testid="bulk-result">
            {finished.result}
          </span>
        )}
        {finished && finished.state !== 'succeeded' && (
          <span className="dv-result dv-result-failed" data-testid="bulk-result">
            {finished.state === 'failed' ? `Bulk labeling failed: ${finished.error}` : `Bulk labeling ${finished.state}; the items done so far keep their label.`}
          </span>
        )}
      </div>
      {/* Always there, one height: the table does not jump when a selection starts or ends. */}
      {count > 0 || job?.state === 'running' ? (
        <BulkLabelBar
          schema={datanet.schema}
          count={count}
          job={job}
          error={bulk.error}
          pending={bulk.pending}
          onApply={(field, value) => void apply(field, value)}
          onClear={() => setSelection(NONE)}
          onContribute={() => setContributing(true)}
        />
      ) : (
        <p className="dv-bulk dv-bulk-idle">Select rows to label them together: click, Shift+click, Ctrl+click or Space; Ctrl+A selects all {total.toLocaleString()}. Enter opens the focused item.</p>
      )}
      {contributing && <ContributeSelection datanet={datanet} list={{ datanet: datanet.id, filter, sort }} selection={selection} total={total} onClose={() => setContributing(false)} />}
      {snapshot.error && <ErrorMessage error={snapshot.error} context="Some rows could not be loaded." onRetry={() => cache.retry()} testId="dataset-error" />}
      <ItemTable
        cache={cache}
        total={total}
        version={snapshot.version}
        selection={selection}
        focus={Math.min(focus, total - 1)}
        label={`Items of ${datanet.name}`}
        onPointer={onPointer}
        onKey={onKey}
        onOpen={open}
      />
    </div>
  );
}
