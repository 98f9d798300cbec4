import { z } from 'zod';

/** The claim file's text as read from disk (the WebSocket carries 16 MB; a bigger tree is handed out per contributor). */
export const RewardsImportInput = z.object({ file: z.string().min(1).max(15_000_000) }).strict();

export const RewardsImportResult = z.object({
  /** Claims in the file, every one checked against its payment's shares root on chain. */
  checked: z.number().int(),
  /** Of those, the ones paid to this wallet's address (the ones `rewards.list` shows). */
  mine: z.number().int(),
  payments: z.array(z.string()),
});

export const RewardState = z.enum(['claimable', 'claimed', 'invalid']);
export type RewardState = z.infer<typeof RewardState>;

export const Reward = z.object({
  paymentId: z.string(),
  index: z.number().int(),
  account: z.string(),
  chainId: z.number().int(),
  settlement: z.string(),
  /** Wei, as a decimal string. */
  amount: z.string(),
  /** The amount in the native token's unit (18 decimals). */
  formatted: z.string(),
  state: RewardState,
  /** Why a share is invalid; null otherwise. */
  reason: z.string().nullable(),
  /** The claim transaction this app sent, when it sent one. */
  claimTx: z.string().nullable(),
  importedAt: z.number(),
  /** The adapter the fee was paid for (bytes32, lowercase), as the chain's payment says; null when the payment is not on the network in Settings. */
  adapterHash: z.string().nullable(),
  /** That adapter's name, when it was registered from this app on this network; null otherwise. */
  adapter: z.string().nullable(),
  /** When the fee was paid (ms, its block's time); null when not known. */
  paidAt: z.number().nullable(),
});
export type Reward = z.infer<typeof Reward>;

export const RewardClaimInput = z
  .object({
    paymentId: z.union([z.string().regex(/^(0|[1-9]\d*)$/, 'must be a payment id (a whole number)'), z.number().int().nonnegative()]).transform(String),
    index: z.number().int().nonnegative(),
  })
  .strict();

export const RewardClaimResult = z.object({
  txHash: z.string(),
  amount: z.string(),
  formatted: z.string(),
  /** The wallet's balance after the claim (less the claim's gas), wei and formatted. */
  balance: z.string(),
  balanceFormatted: z.string(),
});
