import { AttributionMethod } from '../../shared/ledger/attribution-record';
import { usageError } from './errors';

/** An optional number flag's value, or a usage error naming the flag; range checks are the API's. */
export function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw usageError(`--${flag} ${raw}: not a number`);
  return n;
}

/** An attribution method named on the command line (`what`: the flag or argument), or a usage error listing the methods. */
export function attributionMethodArg(what: string, raw: string): AttributionMethod {
  const parsed = AttributionMethod.safeParse(raw);
  if (!parsed.success) throw usageError(`${what} ${raw}: must be ${AttributionMethod.options.join(' or ')}`);
  return parsed.data;
}
