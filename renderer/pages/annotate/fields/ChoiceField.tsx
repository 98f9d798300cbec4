import type { FieldOf, FieldProps } from './types';
import { useDigitKeys } from './useDigitKeys';

/** One label of a list (single_choice, image_class): key N picks the Nth, pressing it again clears. */
export function ChoiceField({ field, value, onChange, active, readOnly, labelId }: FieldProps<FieldOf<'single_choice' | 'image_class'>>) {
  const current = typeof value === 'string' ? value : null;
  const pick = (label: string) => void onChange(current === label ? null : label);
  useDigitKeys(active && !readOnly, (digit) => {
    const label = field.labels[digit - 1];
    if (digit > 0 && label !== undefined) pick(label);
  });
  return (
    <div className="choice-group" role="radiogroup" aria-labelledby={labelId} data-testid={`choices-${field.name}`}>
      {field.labels.map((label, i) => (
        <button
          key={label}
          type="button"
          role="radio"
          aria-checked={current === label}
          className="choice"
          disabled={readOnly}
          data-testid={`choice-${field.name}-${label}`}
          onClick={() => pick(label)}
        >
          {i < 9 && <kbd className="choice-key">{i + 1}</kbd>}
          <span className="choice-label">{label}</span>
        </button>
      ))}
    </div>
  );
}
