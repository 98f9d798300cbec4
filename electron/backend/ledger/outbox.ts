import type { Db } from '../store/database';

/** Signed records not yet final on the ledger (failed ones included: they still need the user). */
export function pendingOutboxCount(db: Db): number {
  return (db.prepare(`SELECT count(*) AS n FROM contributions WHERE state != 'confirmed'`).get() as { n: number }).n;
}

/** Of those, the ones already sent and waiting on the chain: included, not yet deep enough (or not yet mined). */
export function confirmingOutboxCount(db: Db): number {
  return (db.prepare(`SELECT count(*) AS n FROM contributions WHERE state IN ('submitted', 'included')`).get() as { n: number }).n;
}
