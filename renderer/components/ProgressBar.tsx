import './ProgressBar.css';

interface ProgressBarProps {
  /** 0..100, or null for an indeterminate bar. */
  value: number | null;
  label: string;
  /** What a screen reader says instead of the bare number, e.g. "40%, about 2 min left". */
  valueText?: string;
  className?: string;
}

export function ProgressBar({ value, label, valueText, className }: ProgressBarProps) {
  const determinate = value !== null;
  return (
    <div
      className={`progress ${determinate ? '' : 'progress-indeterminate'} ${className ?? ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={determinate ? 0 : undefined}
      aria-valuemax={determinate ? 100 : undefined}
      aria-valuenow={determinate ? value : undefined}
      aria-valuetext={valueText}
    >
      {/* scaleX set through CSSOM, which the CSP's style-src allows (unlike a style attribute in HTML). */}
      <div className="progress-fill" style={determinate ? { transform: `scaleX(${value / 100})` } : undefined} />
    </div>
  );
}
