/**
 * The contribution record: what a contributor signs (EIP-712) to say "I contributed these items
 * of this datanet version under this licence". One flat struct, so hardware wallets can show it.
 * ContributionRegistry.sol declares the same type; test/unit/contribution-record.test.ts pins the
 * published test vectors (docs in shared/ledger/README.md).
 */
import { keccak256 } from '../keccak';
import { fromHex, toHex } from '../merkle';
import { encodeType, hashStruct, keccakText, typedDataDigest, type Eip712Domain, type Hex, type TypedField } from './eip712';

export interface ContributionRecord {
  /** Random 32 bytes: no sequential nonce, so records can sync in any order. */
  recordId: Hex;
  contributor: Hex;
  /** keccak256 of the datanet's local id (`dn_…`), see datanetKey. */
  datanetId: Hex;
  /** keccak256 of the version's local id (`ver_…`). */
  versionId: Hex;
  /** The content's Merkle root, salted (see saltedRoot): the chain never confirms a guessable content. */
  contentRoot: Hex;
  itemCount: number;
  /** SPDX identifier. */
  license: string;
  /** The record this one extends or replaces; zero when none. */
  parentRecordId: Hex;
  /** Unix seconds. */
  createdAt: number;
  schemaVersion: number;
}

export const RECORD_TYPE_NAME = 'ContributionRecord';
export const RECORD_FIELDS = [
  { name: 'recordId', type: 'bytes32' },
  { name: 'contributor', type: 'address' },
  { name: 'datanetId', type: 'bytes32' },
  { name: 'versionId', type: 'bytes32' },
  { name: 'contentRoot', type: 'bytes32' },
  { name: 'itemCount', type: 'uint64' },
  { name: 'license', type: 'string' },
  { name: 'parentRecordId', type: 'bytes32' },
  { name: 'createdAt', type: 'uint64' },
  { name: 'schemaVersion', type: 'uint32' },
] as const satisfies readonly TypedField[];

/** The version of this record layout; bump it (and the domain version) if a field changes. */
export const RECORD_SCHEMA_VERSION = 1;
export const RECORD_TYPE = encodeType(RECORD_TYPE_NAME, RECORD_FIELDS);
/** The types object ethers' signTypedData and wallets' eth_signTypedData_v4 take. */
export const RECORD_TYPES = { [RECORD_TYPE_NAME]: RECORD_FIELDS.map((f) => ({ ...f })) };
export const ZERO_BYTES32: Hex = `0x${'0'.repeat(64)}`;

/** The registry's EIP-712 domain: name and version as ContributionRegistry's constructor sets them. */
export function recordDomain(chainId: number, registry: Hex): Eip712Domain {
  return { name: 'Datanet Studio', version: '1', chainId, verifyingContract: registry };
}

export function recordStructHash(record: ContributionRecord): Uint8Array {
  return hashStruct(RECORD_TYPE_NAME, RECORD_FIELDS, { ...record });
}

/** The digest the contributor signs, and the value the batch tree's leaf is made from. */
export function recordDigest(record: ContributionRecord, domain: Eip712Domain): Hex {
  return typedDataDigest(domain, recordStructHash(record));
}

/** A local id (`dn_…`, `ver_…`) as the bytes32 the chain keys it by. */
export function idKey(localId: string): Hex {
  return toHex(keccakText(localId)) as Hex;
}

/**
 * keccak256(root ‖ salt): the content root a record carries. The salt (32 random bytes) stays with
 * the contributor and travels in the bundle a verifier gets, so nobody can test a guess of the
 * content against the chain.
 */
export function saltedRoot(root: Hex, salt: Hex): Hex {
  const a = fromHex(root);
  const b = fromHex(salt);
  if (a.length !== 32 || b.length !== 32) throw new Error('saltedRoot takes a 32-byte root and a 32-byte salt');
  const buf = new Uint8Array(64);
  buf.set(a, 0);
  buf.set(b, 32);
  return toHex(keccak256(buf)) as Hex;
}
