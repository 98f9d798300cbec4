import { randomBytes } from 'node:crypto';
import { BaseWallet, type Signer } from 'ethers';
import { conflict } from '../../../shared/api/errors';
import type { Datanet, Version } from '../../../shared/api/schemas/datanets';
import {
  RECORD_SCHEMA_VERSION,
  RECORD_TYPES,
  ZERO_BYTES32,
  idKey,
  recordDigest,
  recordDomain,
  saltedRoot,
  type ContributionRecord,
} from '../../../shared/ledger/contribution-record';
import type { Eip712Domain, Hex } from '../../../shared/ledger/eip712';
import type { Contributions, StoredContribution } from './contributions';
import type { ContentSelection } from './selection';
import type { SyncTarget } from './sync';

const random32 = (): Hex => `0x${randomBytes(32).toString('hex')}`;

/**
 * The record's EIP-712 digest and the signature over it. A wallet whose key is here signs the
 * digest we computed once; ethers' signTypedData would encode and hash the whole typed data again
 * (0.7 ms where the signature itself takes 0.3 ms, bench/ledger.ts) and gives the same bytes: an EIP-712
 * signature is the secp256k1 signature (RFC 6979, deterministic) of exactly this digest. Any other
 * signer (a hardware wallet, a remote one) gets the typed data, so it can show the fields.
 */
export async function signRecord(signer: Signer, record: ContributionRecord, domain: Eip712Domain): Promise<{ digest: Hex; signature: Hex }> {
  const digest = recordDigest(record, domain);
  if (signer instanceof BaseWallet) return { digest, signature: signer.signingKey.sign(digest).serialized as Hex };
  return { digest, signature: (await signer.signTypedData(domain, RECORD_TYPES, record)) as Hex };
}

/**
 * Signs "I contributed this version of this datanet" (or, with a selection, "these records of
 * it": selection.ts) and stores it at once, online or not: the signature needs only the key and
 * the chain's domain (chain id, registry address).
 */
export async function signContribution(
  store: Contributions,
  signer: Signer,
  target: SyncTarget,
  datanet: Pick<Datanet, 'id' | 'license'>,
  version: Pick<Version, 'id' | 'root' | 'recordCount'>,
  options: { selection?: ContentSelection; now?: number } = {},
): Promise<StoredContribution> {
  const { selection, now = Date.now() } = options;
  if (selection && selection.versionId !== version.id) throw new Error(`The selection is of version ${selection.versionId}, not of ${version.id}`);
  // The content signed: the whole version, or the root over the selected records.
  const content = selection ? { root: selection.root, count: selection.count } : { root: version.root as Hex, count: version.recordCount };
  const contributor = (signer instanceof BaseWallet ? signer.address : await signer.getAddress()) as Hex;
  const earlier = store.earlierOf(datanet.id, version.id, content.root, contributor, target.chainId);
  if (earlier.contributed) {
    throw conflict(
      selection
        ? `These ${content.count} items of this version are already contributed by ${contributor}; choose other items, or make a new version to contribute changes.`
        : `This version of the datanet is already contributed by ${contributor}; make a new version to contribute changes.`,
    );
  }
  const salt = random32();
  const record: ContributionRecord = {
    recordId: random32(),
    contributor,
    datanetId: idKey(datanet.id),
    versionId: idKey(version.id),
    contentRoot: saltedRoot(content.root, salt),
    itemCount: content.count,
    license: datanet.license,
    // Chains a datanet's contributions: each new version extends the contributor's last one.
    parentRecordId: earlier.latest ?? ZERO_BYTES32,
    createdAt: Math.floor(now / 1000),
    schemaVersion: RECORD_SCHEMA_VERSION,
  };
  const domain = recordDomain(target.chainId, target.registry);
  const { digest, signature } = await signRecord(signer, record, domain);
  return store.add({
    recordId: record.recordId,
    datanetId: datanet.id,
    versionId: version.id,
    contributor,
    chainId: target.chainId,
    registry: target.registry,
    record,
    digest,
    signature,
    salt,
    contentRoot: content.root,
  }, selection);
}
