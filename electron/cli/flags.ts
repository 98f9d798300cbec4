import { usageError } from './errors';

/** An optional number flag's value, or a usage error naming the flag; range checks are the API's. */
export function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw usageError(`--${flag} ${raw}: not a number`);
  return n;
}
