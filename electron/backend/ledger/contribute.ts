import { randomBytes } from 'node:crypto';
import type { Signer } from 'ethers';
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
import type { Hex } from '../../../shared/ledger/eip712';
import type { Contributions, StoredContribution } from './contributions';
import type { SyncTarget } from './sync';

const random32 = (): Hex => `0x${randomBytes(32).toString('hex')}`;

/**
 * Signs "I contributed this version of this datanet" and stores it at once, online or not: the
 * signature needs only the key and the chain's domain (chain id, registry address).
 */
export async function signContribution(
  store: Contributions,
  signer: Signer,
  target: SyncTarget,
  datanet: Pick<Datanet, 'id' | 'license'>,
  version: Pick<Version, 'id' | 'root' | 'recordCount'>,
  now = Date.now(),
): Promise<StoredContribution> {
  const contributor = (await signer.getAddress()) as Hex;
  const earlier = store.list({ datanetId: datanet.id }).filter((c) => c.contributor === contributor && c.chainId === target.chainId && c.state !== 'failed');
  if (earlier.some((c) => c.versionId === version.id)) {
    throw conflict(`This version of the datanet is already contributed by ${contributor}; make a new version to contribute changes.`);
  }
  const salt = random32();
  const record: ContributionRecord = {
    recordId: random32(),
    contributor,
    datanetId: idKey(datanet.id),
    versionId: idKey(version.id),
    contentRoot: saltedRoot(version.root as Hex, salt),
    itemCount: version.recordCount,
    license: datanet.license,
    // Chains a datanet's contributions: each new version extends the contributor's last one.
    parentRecordId: earlier[0]?.recordId ?? ZERO_BYTES32,
    createdAt: Math.floor(now / 1000),
    schemaVersion: RECORD_SCHEMA_VERSION,
  };
  const domain = recordDomain(target.chainId, target.registry);
  const signature = (await signer.signTypedData(domain, RECORD_TYPES, record)) as Hex;
  return store.add({
    recordId: record.recordId,
    datanetId: datanet.id,
    versionId: version.id,
    contributor,
    chainId: target.chainId,
    registry: target.registry,
    record,
    digest: recordDigest(record, domain),
    signature,
    salt,
    contentRoot: version.root as Hex,
  });
}
