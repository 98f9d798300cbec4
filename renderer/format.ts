export { formatDuration } from '../shared/format';

/** Whole percent, or null while the total is unknown. */
export function percent(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

/** A long hex string (a hash, an id) shortened for a table cell: its head and tail. */
export const shortHex = (hex: string) => `${hex.slice(0, 8)}…${hex.slice(-6)}`;

/** A moment as tables show it: "Nov 27, 2026, 9:03 PM" in the reader's locale. */
export const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
