/**
 * A typed whole number within [min, max], or null. Digits only: Number() would also take "1e3",
 * "0x50" and "2.0", which the backend's integer fields refuse in the validator's own words.
 */
export function wholeNumberIn(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}
