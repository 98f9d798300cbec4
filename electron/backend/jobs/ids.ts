import { randomBytes } from 'node:crypto';

/** Sortable by creation time, unique without coordination. */
export function newJobId(now: number): string {
  return `job_${now.toString(36)}${randomBytes(8).toString('hex')}`;
}
