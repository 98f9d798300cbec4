import type { FieldOf, FieldProps } from './types';
import { useDigitKeys } from './useDigitKeys';

/** Any number of labels: key N toggles the Nth. Kept in the schema's label order. */
export function MultiChoiceField({ field, value, onChange, active, readOnly, labelId }: FieldProps<FieldOf<'multiple_choice'>>) {
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  const toggle = (label: string) => {
    const next = chosen.includes(label) ? chosen.filter((l) => l !== label) : field.labels.filter((l) => l === label || chosen.includes(l));
    void onChange(next.length === 0 ? null : next);
  };
  useDigitKeys(active && !readOnly, (digit) => {
    const label = field.labels[digit - 1];
    if (digit > 0 && label !== undefined) toggle(label);
  });
  return (
    <div className="choice-group" role="group" aria-labelledby={labelId} data-testid={`choices-${field.name}`}>
      {field.labels.map((label, i) => (
        <button
          key={label}
          type="button"
          role="checkbox"
          aria-checked={chosen.includes(label)}
          className="choice choice-multi"
          disabled={readOnly}
          data-testid={`choice-${field.name}-${label}`}
          onClick={() => toggle(label)}
        >
          {i < 9 && <kbd className="choice-key">{i + 1}</kbd>}
          <span className="choice-label">{label}</span>
        </button>
      ))}
    </div>
  );
}
