import { newId } from '../ids';

/** Sortable by creation time, unique without coordination. */
export function newJobId(now: number): string {
  return newId('job', now);
}
