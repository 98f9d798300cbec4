import fs from 'node:fs';
import path from 'node:path';
import { TypedDataEncoder, Wallet, verifyTypedData } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  RECORD_TYPE,
  RECORD_TYPES,
  idKey,
  recordDigest,
  recordStructHash,
  saltedRoot,
  type ContributionRecord,
} from '../../shared/ledger/contribution-record';
import { domainSeparator, type Eip712Domain, type Hex } from '../../shared/ledger/eip712';
import { toHex } from '../../shared/merkle';

interface Vectors {
  privateKey: Hex;
  type: string;
  unsaltedRoot: Hex;
  salt: Hex;
  record: ContributionRecord;
  domain: Eip712Domain;
  domainSeparator: Hex;
  structHash: Hex;
  digest: Hex;
  signature: Hex;
}
const v = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../shared/ledger/test-vectors.json'), 'utf8')) as Vectors;

describe('the contribution record (EIP-712), against its published test vectors', () => {
  it('has the documented type string, ids and salted root', () => {
    expect(RECORD_TYPE).toBe(v.type);
    expect(idKey('dn_reviews0001')).toBe(v.record.datanetId);
    expect(idKey('ver_reviews0001v1')).toBe(v.record.versionId);
    expect(saltedRoot(v.unsaltedRoot, v.salt)).toBe(v.record.contentRoot);
  });

  it('hashes to the vector with our code and with ethers', () => {
    expect(toHex(domainSeparator(v.domain))).toBe(v.domainSeparator);
    expect(toHex(recordStructHash(v.record))).toBe(v.structHash);
    expect(recordDigest(v.record, v.domain)).toBe(v.digest);
    expect(TypedDataEncoder.hash(v.domain, RECORD_TYPES, v.record)).toBe(v.digest);
  });

  it('is signed deterministically (RFC 6979) and the signature recovers the contributor', async () => {
    const signer = new Wallet(v.privateKey);
    expect(signer.address).toBe(v.record.contributor);
    expect(await signer.signTypedData(v.domain, RECORD_TYPES, v.record)).toBe(v.signature);
    expect(verifyTypedData(v.domain, RECORD_TYPES, v.record, v.signature)).toBe(v.record.contributor);
  });

  it('changes with every field and with the domain', () => {
    const changed: Partial<ContributionRecord>[] = [
      { itemCount: 1001 },
      { license: 'MIT' },
      { createdAt: v.record.createdAt + 1 },
      { schemaVersion: 2 },
      { parentRecordId: v.record.recordId },
    ];
    for (const c of changed) expect(recordDigest({ ...v.record, ...c }, v.domain)).not.toBe(v.digest);
    expect(recordDigest(v.record, { ...v.domain, chainId: 161201 })).not.toBe(v.digest);
  });

  it('refuses values that do not fit their type, naming the field', () => {
    expect(() => recordDigest({ ...v.record, itemCount: -1 }, v.domain)).toThrow(/itemCount must be an integer from 0 to 2\^64 - 1/);
    expect(() => recordDigest({ ...v.record, schemaVersion: 2 ** 32 }, v.domain)).toThrow(/schemaVersion/);
    expect(() => recordDigest({ ...v.record, recordId: '0x1234' }, v.domain)).toThrow(/recordId must be 32 bytes/);
    expect(() => recordDigest({ ...v.record, contributor: '0xzz' }, v.domain)).toThrow(/contributor must be an address/);
  });
});
