import type { FieldOf, FieldProps } from './types';
import { useDigitKeys } from './useDigitKeys';

/** 1 to max: key N sets N (0 is 10), pressing the same again clears. */
export function RatingField({ field, value, onChange, active, readOnly, labelId }: FieldProps<FieldOf<'rating'>>) {
  const current = typeof value === 'number' ? value : null;
  const set = (n: number) => void onChange(current === n ? null : n);
  useDigitKeys(active && !readOnly, (digit) => {
    const n = digit === 0 ? 10 : digit;
    if (n <= field.max) set(n);
  });
  const steps = Array.from({ length: field.max }, (_, i) => i + 1);
  return (
    <div className="rating" role="radiogroup" aria-labelledby={labelId} data-testid={`rating-${field.name}`}>
      {steps.map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={current === n}
          aria-label={`${n} of ${field.max}`}
          className={`rating-step${current !== null && n <= current ? ' rating-step-on' : ''}`}
          disabled={readOnly}
          data-testid={`rating-${field.name}-${n}`}
          onClick={() => set(n)}
        >
          {n}
        </button>
      ))}
      <span className="rating-value muted" aria-hidden="true">
        {current === null ? 'not rated' : `${current} / ${field.max}`}
      </span>
    </div>
  );
}
