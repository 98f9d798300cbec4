/** Each label of a field gets one of eight hues (annotate.css defines them for light and dark). */
const HUES = 8;

export function labelColor(labels: readonly string[], label: string): string {
  const i = Math.max(0, labels.indexOf(label));
  return `var(--label-${i % HUES})`;
}

export function labelSoftColor(labels: readonly string[], label: string): string {
  const i = Math.max(0, labels.indexOf(label));
  return `var(--label-soft-${i % HUES})`;
}
