/** "29.4 K", "124 M", "1.5 B": a parameter count as model cards write it. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  const [value, unit] = n < 1e6 ? [n / 1e3, 'K'] : n < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'B'];
  return `${value < 100 ? Number(value.toFixed(1)) : Math.round(value)} ${unit}`;
}

/** A hyperparameter's value as a table cell shows it. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return JSON.stringify(value);
}

/** Basis points as a percentage: 2000 → "20%", 1250 → "12.5%". */
export const formatPercent = (bps: number) => `${Number((bps / 100).toFixed(2))}%`;

/** A typed percentage ("20", "12.5") in basis points; null unless it is 0 to 100 with at most two decimals. */
export function percentToBps(text: string): number | null {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text.trim())) return null;
  const bps = Math.round(Number(text) * 100);
  return bps <= 10_000 ? bps : null;
}
