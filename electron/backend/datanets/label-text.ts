/** The searchable words of a label value: choice names, free text, span labels, pair texts. */
export function labelText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return '';
  if (Array.isArray(value)) return value.map(labelText).join(' ');
  const o = value as Record<string, unknown>;
  if ('label' in o) return labelText(o.label);
  return Object.values(o).map(labelText).join(' ');
}
