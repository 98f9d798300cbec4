import { z } from 'zod';
import { Job } from './jobs';
import { LedgerNetwork } from './settings';

/** Everything the status bar shows that only the backend knows (online/offline is the window's own). */
export const LedgerSyncStatus = z.object({
  state: z.enum(['idle', 'syncing', 'offline', 'locked', 'wrong_chain', 'insufficient_funds', 'error']),
  message: z.string().nullable(),
  /** When this session's last sync pass ended (ms since the epoch); null before its first. */
  lastSyncAt: z.number().nullable(),
});
export type LedgerSyncStatus = z.infer<typeof LedgerSyncStatus>;

export const Status = z.object({
  ledger: z.object({ name: z.string(), network: LedgerNetwork, sync: LedgerSyncStatus }),
  /** pending: signed records not final yet; confirming: those of them already on their way (sent, included, awaiting depth). */
  outbox: z.object({ pending: z.number().int().nonnegative(), confirming: z.number().int().nonnegative() }),
  jobs: z.object({ running: z.array(Job) }),
});
export type Status = z.infer<typeof Status>;
