import { memo } from 'react';
import type { ItemPreview } from '../../../shared/api';
import { CheckIcon } from '../../components/icons';
import { LabelChips, ReviewedMark } from './row-cells';
import { dateTime } from '../../format';

interface ItemRowProps {
  id: string;
  position: number;
  /** Undefined while its page is loading: the row keeps its height and shows a placeholder. */
  item: ItemPreview | undefined;
  selected: boolean;
  focused: boolean;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** One row of the dataset table. Memoized: scrolling re-renders only rows that came into view. */
export const ItemRow = memo(function ItemRow({ id, position, item, selected, focused }: ItemRowProps) {
  return (
    <div
      role="row"
      id={id}
      aria-rowindex={position + 2}
      aria-selected={selected}
      aria-busy={item ? undefined : true}
      className={`dv-row${selected ? ' dv-row-selected' : ''}${focused ? ' dv-row-focused' : ''}`}
      data-testid="dataset-row"
      data-position={position}
      data-item-id={item?.id}
    >
      <div role="gridcell" className="dv-cell dv-cell-check">
        <span className="dv-checkbox" aria-hidden="true">
          {selected && <CheckIcon size={12} />}
        </span>
      </div>
      <div role="gridcell" className="dv-cell dv-cell-num">
        {(position + 1).toLocaleString()}
      </div>
      {item ? <ItemCells item={item} /> : <Placeholder />}
    </div>
  );
});

function ItemCells({ item }: { item: ItemPreview }) {
  const thumb = item.image ? (item.image.thumbCid ?? item.image.cid) : null;
  return (
    <>
      <div role="gridcell" className="dv-cell dv-cell-content">
        {/* Decorative next to the text; an image-only item names its size instead. */}
        {thumb && <img className="dv-thumb" src={`/blobs/${thumb}`} alt="" width={36} height={36} loading="lazy" decoding="async" />}
        <span className="dv-text" data-testid="row-text">
          {item.text || (item.image ? `Image ${item.image.width}×${item.image.height}` : '(empty)')}
          {item.truncated && '…'}
        </span>
      </div>
      <div role="gridcell" className="dv-cell dv-cell-labels" data-testid="row-labels">
        <LabelChips labels={item.labels} />
      </div>
      <div role="gridcell" className="dv-cell dv-cell-reviewed">
        <ReviewedMark reviewed={item.reviewed} />
      </div>
      <div role="gridcell" className="dv-cell dv-cell-author" data-testid="row-author" title={authorTitle(item.lastLabel)}>
        {/* The cell is a flex box: its text needs a box of its own to end in an ellipsis. */}
        <span className="dv-text">
          {/* First, so a long author cut by the ellipsis does not hide it. */}
          {item.lastLabel?.imported && <span className="dv-imported">imported · </span>}
          {item.lastLabel?.author ?? ''}
        </span>
      </div>
      <div role="gridcell" className="dv-cell dv-cell-date">
        {dateFormat.format(item.createdAt)}
      </div>
    </>
  );
}

function Placeholder() {
  return (
    <div role="gridcell" className="dv-cell dv-cell-loading" aria-colspan={5}>
      <span className="dv-skeleton" />
      <span className="visually-hidden">Loading…</span>
    </div>
  );
}

/** When the newest label was made, and whether it came with an import rather than from someone labeling here. */
function authorTitle(last: ItemPreview['lastLabel']): string | undefined {
  if (!last) return undefined;
  return last.imported ? `Came with an import on ${dateTime.format(last.at)}, not labeled in the app.` : dateTime.format(last.at);
}
