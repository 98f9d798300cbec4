import { CheckIcon } from '../../components/icons';

/** A row's current labels as chips; the field name is read out before each. */
export function LabelChips({ labels }: { labels: readonly { field: string; text: string }[] }) {
  return labels.map((l) => (
    <span key={l.field} className="dv-chip" title={`${l.field}: ${l.text}`}>
      <span className="visually-hidden">{l.field}: </span>
      {l.text}
    </span>
  ));
}

/** A check mark for a reviewed item; either way, a screen reader hears which. */
export function ReviewedMark({ reviewed }: { reviewed: boolean }) {
  return reviewed ? (
    <span className="dv-reviewed" title="Reviewed">
      <CheckIcon size={16} aria-hidden="true" />
      <span className="visually-hidden">Reviewed</span>
    </span>
  ) : (
    <span className="visually-hidden">Not reviewed</span>
  );
}
