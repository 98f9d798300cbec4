import { ledgerName } from '../../../shared/api/schemas/settings';
import type { Status } from '../../../shared/api/schemas/status';
import type { BackendContext } from '../context';
import { confirmingOutboxCount, pendingOutboxCount } from '../ledger/outbox';
import { readSettings } from '../settings/settings';

export function currentStatus(ctx: Pick<BackendContext, 'db' | 'log' | 'jobs' | 'ledgerSync'>): Status {
  const { ledger } = readSettings(ctx.db, ctx.log);
  return {
    ledger: { name: ledgerName(ledger), network: ledger, sync: ctx.ledgerSync() },
    outbox: { pending: pendingOutboxCount(ctx.db), confirming: confirmingOutboxCount(ctx.db) },
    jobs: { running: ctx.jobs.running() },
  };
}
