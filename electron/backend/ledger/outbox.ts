import type { Db } from '../store/database';

/** Signed records not yet final on the ledger. */
export function pendingOutboxCount(db: Db): number {
  return (db.prepare(`SELECT count(*) AS n FROM outbox WHERE state != 'confirmed'`).get() as { n: number }).n;
}
