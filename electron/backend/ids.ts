import { randomBytes } from 'node:crypto';

/** Ids that sort by creation time and need no coordination: prefix, time in base 36, 64 random bits. */
export function newId(prefix: 'dn' | 'im' | 'job' | 'ver', now = Date.now()): string {
  return `${prefix}_${now.toString(36)}${randomBytes(8).toString('hex')}`;
}
