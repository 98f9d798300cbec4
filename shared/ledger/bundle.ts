/**
 * A contribution bundle: everything a third party needs to check a contribution against the
 * chain, in one JSON file (`studio contributions export` writes it, `studio verify` reads it).
 * Documented in shared/ledger/README.md.
 */
import { z } from 'zod';
import type { ContributionRecord } from './contribution-record';

export const BUNDLE_FORMAT = 'datanet-studio/contribution-bundle@1';

const Hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex');
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address');

export const ContributionBundle = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    record: z
      .object({
        recordId: Hex32,
        contributor: Address,
        datanetId: Hex32,
        versionId: Hex32,
        contentRoot: Hex32,
        itemCount: z.number().int().nonnegative(),
        license: z.string(),
        parentRecordId: Hex32,
        createdAt: z.number().int().nonnegative(),
        schemaVersion: z.number().int().nonnegative(),
      })
      .strict(),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte signature'),
    domain: z.object({ name: z.string(), version: z.string(), chainId: z.number().int().positive(), verifyingContract: Address }).strict(),
    /** EIP-712 digest of the record; the batch leaf is keccak256(keccak256(digest)). */
    digest: Hex32,
    /** The content's Merkle root (the version's, or the selection's) and the salt: keccak256(unsaltedRoot ‖ salt) must be record.contentRoot. */
    content: z.object({ unsaltedRoot: Hex32, salt: Hex32, localDatanetId: z.string(), localVersionId: z.string() }).strict(),
    /** Null while the record waits for a batch. */
    batch: z
      .object({
        root: Hex32,
        proof: z.array(Hex32),
        txHash: Hex32.nullable(),
        blockNumber: z.number().int().nonnegative().nullable(),
      })
      .strict()
      .nullable(),
    /**
     * Present when the record covers a selection of a version's records: content.unsaltedRoot is
     * then the root over those records (the version's leaves, in version order), not the version's
     * root, which is given here with the selection's size (record.itemCount).
     */
    selection: z.object({ versionRoot: Hex32, count: z.number().int().positive() }).strict().optional(),
  })
  .strict();
export type ContributionBundle = z.infer<typeof ContributionBundle> & { record: ContributionRecord };

/** What `verify` found, check by check; `ok` only when every check that could run held. */
export interface BundleCheck {
  name: string;
  ok: boolean;
  detail: string;
}
export interface BundleVerification {
  ok: boolean;
  /** Whether the chain was reachable for the on-chain checks. */
  online: boolean;
  checks: BundleCheck[];
}
