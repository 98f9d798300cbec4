import type { FieldOf, FieldProps } from './types';
import { useDraftText } from './useDraftText';

/** A note in the user's words; saved as they pause, on leaving the box, and before the page goes away. */
export function FreeTextField({ field, value, onChange, readOnly, item, labelId }: FieldProps<FieldOf<'free_text'>>) {
  const saved = typeof value === 'string' ? value : '';
  const draft = useDraftText(item ? `${item.id}:${field.name}` : null, saved, (text) => onChange(text === '' ? null : text));
  return (
    <textarea
      className="input annotate-textarea"
      aria-labelledby={labelId}
      rows={3}
      value={draft.text}
      readOnly={readOnly}
      data-testid={`text-${field.name}`}
      onChange={(e) => draft.change(e.target.value)}
      onFocus={draft.onFocus}
      onBlur={draft.onBlur}
    />
  );
}
