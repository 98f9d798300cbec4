import { z } from 'zod';
import { LocalPath } from './local-path';
import { AttributionFile, AttributionMethod, AttributionRecordSchema } from '../../ledger/attribution-record';
import { ModelName } from './assist';
import { DatanetId, DatanetName, VersionRef } from './datanets';

const Wei = z.string().regex(/^(0|[1-9]\d*)$/, 'must be a whole number of wei written as a decimal string, e.g. "1000000000000000000"');

export const SpanIndexTargetInput = z.object({ datanet: z.union([DatanetId, DatanetName]), version: VersionRef.default('latest'), model: ModelName }).strict();

export const SpanIndexInfo = z.object({
  datanetId: z.string(),
  versionId: z.string(),
  versionNumber: z.number().int(),
  root: z.string(),
  model: z.string(),
  tokenizerHash: z.string(),
  dir: z.string(),
  /** The index's meta.json once built; null before. */
  meta: z.record(z.string(), z.unknown()).nullable(),
  buildJob: z.string().nullable(),
});

export const AttributeInput = z
  .object({
    /** The base model. */
    model: ModelName,
    /** An installed adapter of that model, trained here and registered on the configured network. */
    adapter: ModelName,
    prompt: z.string().min(1).max(1_000_000),
    /** The output to attribute; absent: generated now (greedy) with the adapter. */
    output: z.string().min(1).max(1_000_000).optional(),
    /** How many training examples to list. */
    top: z.number().int().min(1).max(1000).default(10),
    /** Default: the adapter's own (adapters.setAttributionMethod; spans unless set). */
    method: AttributionMethod.optional(),
    /** The fee the shares are computed for; "0" signs the record unpriced (settle prices it). */
    feeWei: Wei.default('0'),
    /** When the output is generated: its length cap in tokens. */
    maxTokens: z.number().int().min(1).max(4096).default(64),
  })
  .strict();

export const TopExample = z.object({
  itemId: z.string(),
  position: z.number().int(),
  score: z.number(),
  /** The contribution records (manifest entries) whose items include this example. */
  records: z.array(z.string()),
});

export const ContributorPart = z.object({
  contributor: z.string(),
  score: z.number(),
  /** Wei of the contributors' part for this record's fee. */
  amount: z.string(),
  records: z.array(z.object({ recordId: z.string(), score: z.number(), amount: z.string() })),
});

export const PayoutShare = z.object({ account: z.string(), amount: z.string() });

export const Attribution = z.object({
  id: z.string(),
  adapter: z.string(),
  chainId: z.number().int(),
  settlement: z.string(),
  record: AttributionRecordSchema,
  signature: z.string(),
  prompt: z.string(),
  output: z.string(),
  topExamples: z.array(TopExample),
  contributors: z.array(ContributorPart),
  /** The payout list in tree order: leaf i of the shares root. */
  shares: z.array(PayoutShare),
  /** Span attribution's spans of the output (method spans). */
  spans: z.array(z.object({ start: z.number().int(), length: z.number().int(), text: z.string() })),
  paymentId: z.string().nullable(),
  settleTx: z.string().nullable(),
  claimsFile: z.string().nullable(),
  createdAt: z.number(),
});
export type Attribution = z.infer<typeof Attribution>;

export const AttributionId = z.object({ id: z.string().regex(/^att_[0-9a-f]{16,64}$/, 'must be an attribution id (att_…)') }).strict();

export const SettleInput = z
  .object({
    id: z.string().regex(/^att_[0-9a-f]{16,64}$/, 'must be an attribution id (att_…)'),
    feeWei: Wei.refine((s) => BigInt(s) > 0n, 'must be more than 0 wei'),
    /** Where to write the claim file; default under the data folder. */
    out: LocalPath.optional(),
  })
  .strict();

export const SettleResult = z.object({
  attribution: Attribution,
  paymentId: z.string(),
  txHash: z.string(),
  claimsFile: z.string(),
});

/** What settled attributions paid one contribution record: the sum of its amounts over settled payments. */
export const RecordEarning = z.object({
  recordId: z.string(),
  /** Wei, as a decimal string. */
  wei: z.string(),
  /** How many settled payments include the record. */
  payments: z.number().int(),
});
export type RecordEarning = z.infer<typeof RecordEarning>;

export { AttributionFile };
