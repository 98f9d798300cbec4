import './Spinner.css';

/** `label` is read by screen readers and, unless `quiet`, shown beside the spinner. */
export function Spinner({ label, quiet = false }: { label: string; quiet?: boolean }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className={quiet ? 'visually-hidden' : 'spinner-label'}>{label}</span>
    </span>
  );
}
