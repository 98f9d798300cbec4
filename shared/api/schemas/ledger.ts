import { z } from 'zod';
import { ContributionBundle } from '../../ledger/bundle';
import { ContractAddresses } from './settings';
import { LedgerSyncStatus } from './status';
import { DatanetId, DatanetName, VersionRef } from './datanets';

const Password = z.string().min(8, 'must be at least 8 characters').max(1024);

export const WalletStatus = z.object({
  exists: z.boolean(),
  address: z.string().nullable(),
  unlocked: z.boolean(),
  locksAt: z.number().nullable(),
});
export type WalletStatus = z.infer<typeof WalletStatus>;

export const WalletDraft = z.object({
  draftId: z.string(),
  /** Shown once: the app never shows or stores it in the clear again. */
  mnemonic: z.string(),
  address: z.string(),
  /** 0-based positions of the words the user must type back. */
  confirmIndices: z.array(z.number().int()),
});

export const WalletConfirmInput = z
  .object({ draftId: z.string(), words: z.record(z.string().regex(/^\d+$/), z.string()), password: Password })
  .strict();

export const WalletImportInput = z
  .object({
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('mnemonic'), phrase: z.string().min(1) }).strict(),
      z.object({ kind: z.literal('privateKey'), privateKey: z.string().min(1) }).strict(),
      z.object({ kind: z.literal('keystore'), json: z.string().min(1).max(100_000), keystorePassword: z.string() }).strict(),
    ]),
    password: Password,
    /** Swap out an existing wallet (its keystore is kept beside the new one). */
    replace: z.boolean().default(false),
  })
  .strict();

export const Balance = z.object({ address: z.string(), wei: z.string(), formatted: z.string() });

export const RecordState = z.enum(['signed', 'queued', 'submitted', 'included', 'confirmed', 'failed']);
export type RecordState = z.infer<typeof RecordState>;

export const LedgerStatus = z.object({
  network: z.object({ kind: z.enum(['devnet', 'rpc']), name: z.string(), chainId: z.number().int().nullable() }),
  sync: LedgerSyncStatus,
  counts: z.record(RecordState, z.number().int()),
  devnet: z.object({ running: z.boolean(), rpcUrl: z.string().nullable(), owner: z.enum(['app', 'detached']).nullable() }),
  addresses: ContractAddresses.nullable(),
});
export type LedgerStatus = z.infer<typeof LedgerStatus>;

export const ConnectionCheck = z.object({ chainId: z.number().int(), rpcUrl: z.string(), head: z.number().int(), addresses: ContractAddresses });

export const SyncReport = z.object({
  online: z.boolean(),
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
  head: z.number().int().nullable(),
  sent: z.number().int(),
  included: z.number().int(),
  confirmed: z.number().int(),
  requeued: z.number().int(),
});

export const Contribution = z.object({
  recordId: z.string(),
  datanetId: z.string(),
  versionId: z.string(),
  contributor: z.string(),
  chainId: z.number().int(),
  registry: z.string(),
  itemCount: z.number().int(),
  license: z.string(),
  state: RecordState,
  batchRoot: z.string().nullable(),
  txHash: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
  /** Blocks on top of the including one, itself counted; null until included. */
  confirmations: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Contribution = z.infer<typeof Contribution>;

export const ContributeInput = z
  .object({
    datanet: z.union([DatanetId, DatanetName]),
    version: VersionRef.default('latest'),
    /**
     * Contribute only these items of the version: the record's content root is then the root over
     * their records and its item count theirs. Plain strings, so an id the version lacks is refused
     * by name (an id that is not even well-formed included).
     */
    items: z.array(z.string().min(1).max(200)).min(1, 'must name at least one item').max(1_000_000, 'may name at most 1,000,000 items').optional(),
  })
  .strict();

export const ContributionsListInput = z
  .object({
    datanet: z.union([DatanetId, DatanetName]).optional(),
    state: RecordState.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
    before: z.number().optional(),
  })
  .strict();

export const BundleCheck = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const BundleVerification = z.object({ ok: z.boolean(), online: z.boolean(), checks: z.array(BundleCheck) });
export { ContributionBundle };
