import type { LedgerSyncStatus } from '../../shared/api/schemas/status';
import type { Runtime } from '../../shared/api/schemas/system';
import type { EventBus } from './events';
import type { JobRunner } from './jobs/runner';
import type { Logger } from './log';
import type { Db } from './store/database';

/** What every domain's handlers may use. Built once per backend by openBackend(). */
export interface BackendContext {
  dataDir: string;
  runtime: Runtime;
  db: Db;
  bus: EventBus;
  jobs: JobRunner;
  log: Logger;
  /** Recompute the status and push it to every window. */
  statusChanged(): void;
  /** The ledger sync state the status bar shows. */
  ledgerSync(): LedgerSyncStatus;
}
