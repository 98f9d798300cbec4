/**
 * The attribution record: what whoever served an inference signs (EIP-712) to say "this output of
 * this adapter, for this query, drew on these contributors; of a fee of totalFee wei, the
 * contributors' part is split as the shares tree with this root says". Settlement.pay takes the
 * same root; the claim file (claims.ts) carries its leaves and proofs. Specified in
 * shared/ledger/README.md, "Attribution records".
 *
 * The domain's verifying contract is Settlement: the record is what a payment's attributionUri
 * points to, and a record signed for one Settlement (or chain) is not valid for another.
 *
 * No ethers here (signature recovery is the verifier's, with ethers, in the backend).
 */
import { z } from 'zod';
import { feeParts } from '../attribution/shares';
import { toHex } from '../merkle';
import { buildSharesTree, type Share } from './claims';
import { encodeType, hashStruct, keccakText, typedDataDigest, type Eip712Domain, type Hex, type TypedField } from './eip712';

export const ATTRIBUTION_FORMAT = 'datanet-studio/attribution@1';
export const ATTRIBUTION_TYPE_NAME = 'AttributionRecord';
export const ATTRIBUTION_FIELDS = [
  { name: 'adapterHash', type: 'bytes32' },
  { name: 'queryHash', type: 'bytes32' },
  { name: 'outputHash', type: 'bytes32' },
  { name: 'method', type: 'string' },
  { name: 'sharesRoot', type: 'bytes32' },
  { name: 'totalFee', type: 'uint256' },
  { name: 'ownerShareBps', type: 'uint16' },
  { name: 'server', type: 'address' },
  { name: 'nonce', type: 'uint256' },
  { name: 'createdAt', type: 'uint64' },
] as const satisfies readonly TypedField[];

export const ATTRIBUTION_TYPE = encodeType(ATTRIBUTION_TYPE_NAME, ATTRIBUTION_FIELDS);
/** The types object ethers' signTypedData and wallets' eth_signTypedData_v4 take. */
export const ATTRIBUTION_TYPES = { [ATTRIBUTION_TYPE_NAME]: ATTRIBUTION_FIELDS.map((f) => ({ ...f })) };

export const AttributionMethod = z.enum(['influence', 'spans']);
export type AttributionMethod = z.infer<typeof AttributionMethod>;

export interface AttributionRecord {
  /** ModelRegistry's adapterHash of the adapter that produced the output. */
  adapterHash: Hex;
  /** keccak256 of the prompt's UTF-8 bytes. */
  queryHash: Hex;
  /** keccak256 of the output's UTF-8 bytes. */
  outputHash: Hex;
  method: AttributionMethod;
  /** Root of the shares tree (claims.ts's leaves); zero while no fee is set. */
  sharesRoot: Hex;
  /** The fee in wei, as a decimal string (JSON loses precision past 2^53). */
  totalFee: string;
  /** The owner's part in basis points, as registered: the contributors' part is totalFee − floor(totalFee × bps / 10,000). */
  ownerShareBps: number;
  /** Who served the inference and signs the record. */
  server: Hex;
  /** Decimal string; one per record the server signs, so two records of the same output differ. */
  nonce: string;
  /** Unix seconds. */
  createdAt: number;
}

const Hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex (0x and 64 hex digits)');
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address (0x and 40 hex digits)');
const Uint = z.string().regex(/^(0|[1-9]\d*)$/, 'must be a whole number written as a decimal string');

export const AttributionRecordSchema = z
  .object({
    adapterHash: Hex32,
    queryHash: Hex32,
    outputHash: Hex32,
    method: AttributionMethod,
    sharesRoot: Hex32,
    totalFee: Uint,
    ownerShareBps: z.number().int().min(0).max(10_000),
    server: Address,
    nonce: Uint,
    createdAt: z.number().int().nonnegative(),
  })
  .strict();

/** The exported file: the record, its domain and signature, and what a verifier needs to recompute the hashes and the root. */
export const AttributionFile = z
  .object({
    format: z.literal(ATTRIBUTION_FORMAT),
    domain: z.object({ name: z.string(), version: z.string(), chainId: z.number().int().positive(), verifyingContract: Address }).strict(),
    record: AttributionRecordSchema,
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte signature in hex'),
    prompt: z.string(),
    output: z.string(),
    /** The payout list in tree order (index i is leaf i); empty while no fee is set. */
    shares: z.array(z.object({ account: Address, amount: Uint }).strict()),
  })
  .strict();
export type AttributionFile = z.output<typeof AttributionFile>;

export const ZERO_ROOT: Hex = `0x${'0'.repeat(64)}`;

/** Settlement's domain for attribution records. */
export function attributionDomain(chainId: number, settlement: Hex): Eip712Domain {
  return { name: 'Datanet Studio', version: '1', chainId, verifyingContract: settlement };
}

export function textHash(text: string): Hex {
  return toHex(keccakText(text)) as Hex;
}

export function attributionStructHash(record: AttributionRecord): Uint8Array {
  return hashStruct(ATTRIBUTION_TYPE_NAME, ATTRIBUTION_FIELDS, { ...record, totalFee: BigInt(record.totalFee), nonce: BigInt(record.nonce) });
}

/** The digest the server signs. */
export function attributionDigest(record: AttributionRecord, domain: Eip712Domain): Hex {
  return typedDataDigest(domain, attributionStructHash(record));
}

/** The record as ethers' signTypedData takes it (uint256 as bigint). */
export function attributionTypedValue(record: AttributionRecord): Record<string, unknown> {
  return { ...record, totalFee: BigInt(record.totalFee), nonce: BigInt(record.nonce) };
}

/** Settlement.pay's split (shares.ts's feeParts): the owner's part is rounded down, the contributors' part is the rest. */
export function contributorsPart(fee: bigint, ownerShareBps: number): bigint {
  return feeParts(fee, ownerShareBps).contributors;
}

/** The shares root of a payout list (zero for none). */
export function sharesRootOf(shares: readonly Share[]): Hex {
  return shares.length === 0 ? ZERO_ROOT : buildSharesTree(shares).root;
}

export interface FileCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * The checks of an attribution file that need no key recovery and no chain: the query and output
 * hash to the record's, the shares rebuild its root, and they add up to the contributors' part of
 * the fee exactly (never more). The signature is the caller's (ethers' verifyTypedData).
 */
export function checkAttributionFile(file: AttributionFile): FileCheck[] {
  const r = file.record;
  const checks: FileCheck[] = [];
  const q = textHash(file.prompt);
  checks.push({ name: 'query hash', ok: q === r.queryHash.toLowerCase(), detail: q === r.queryHash.toLowerCase() ? `keccak256(prompt) = ${q}` : `the prompt hashes to ${q}, the record says ${r.queryHash}` });
  const o = textHash(file.output);
  checks.push({ name: 'output hash', ok: o === r.outputHash.toLowerCase(), detail: o === r.outputHash.toLowerCase() ? `keccak256(output) = ${o}` : `the output hashes to ${o}, the record says ${r.outputHash}` });
  let root: Hex;
  try {
    root = sharesRootOf(file.shares);
  } catch (error) {
    checks.push({ name: 'shares root', ok: false, detail: (error as Error).message });
    return checks;
  }
  const sameRoot = root === r.sharesRoot.toLowerCase();
  checks.push({ name: 'shares root', ok: sameRoot, detail: sameRoot ? `${file.shares.length} shares hash to ${root}` : `the shares hash to ${root}, the record says ${r.sharesRoot}` });
  const sum = file.shares.reduce((s, x) => s + BigInt(x.amount), 0n);
  const part = contributorsPart(BigInt(r.totalFee), r.ownerShareBps);
  const adds = file.shares.length === 0 ? r.totalFee === '0' : sum === part;
  checks.push({
    name: 'shares sum',
    ok: adds,
    detail: adds ? `the shares add up to the contributors' part, ${part} wei of ${r.totalFee}` : `the shares add up to ${sum} wei, the contributors' part of ${r.totalFee} wei at ${r.ownerShareBps} bps is ${part}`,
  });
  return checks;
}

/** Parses an attribution file's text; the error names the first problem and where it is. */
export function parseAttributionFile(json: string): AttributionFile {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = AttributionFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`is not a valid attribution record file: ${issue.path.join('.') || '(top level)'} ${issue.message}`);
  }
  return parsed.data;
}

export function isAttributionLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ATTRIBUTION_FORMAT;
}
