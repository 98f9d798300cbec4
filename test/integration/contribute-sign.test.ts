// signContribution signs the digest it computed with the wallet's key instead of ethers'
// signTypedData (which encodes and hashes everything again): the bytes must not change.
import fs from 'node:fs';
import path from 'node:path';
import { NonceManager, Wallet, verifyTypedData } from 'ethers';
import { describe, expect, it } from 'vitest';
import { signContribution, signRecord } from '../../electron/backend/ledger/contribute';
import { Contributions } from '../../electron/backend/ledger/contributions';
import { openDatabase } from '../../electron/backend/store/database';
import { RECORD_TYPES, recordDigest, recordDomain, type ContributionRecord } from '../../shared/ledger/contribution-record';
import type { Eip712Domain, Hex } from '../../shared/ledger/eip712';
import { tempDir } from '../fixtures/temp-dir';

const v = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../shared/ledger/test-vectors.json'), 'utf8')) as {
  privateKey: Hex;
  record: ContributionRecord;
  domain: Eip712Domain;
  digest: Hex;
  signature: Hex;
};

describe('signing a contribution record', () => {
  it('gives the published test vector, by the digest path and by the typed-data path', async () => {
    const wallet = new Wallet(v.privateKey);
    expect(await signRecord(wallet, v.record, v.domain)).toEqual({ digest: v.digest, signature: v.signature });
    // A signer without a key here (NonceManager stands in for a hardware or remote one) gets the typed data.
    expect(await signRecord(new NonceManager(wallet), v.record, v.domain)).toEqual({ digest: v.digest, signature: v.signature });
  });

  it('stores records whose signature is what signTypedData gives and recovers the contributor', async () => {
    const store = new Contributions(openDatabase(path.join(tempDir(), 'studio.db')));
    const wallet = Wallet.createRandom();
    const target = { chainId: 31337, registry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' as Hex };
    for (let i = 0; i < 5; i++) {
      const stored = await signContribution(store, wallet, target, { id: 'dn_sign', license: 'MIT' }, { id: `ver_sign${i}`, root: `0x${String(i).repeat(64)}`, recordCount: i + 1 });
      const domain = recordDomain(target.chainId, target.registry);
      expect(stored.digest).toBe(recordDigest(stored.record, domain));
      expect(stored.signature).toBe(await wallet.signTypedData(domain, RECORD_TYPES, stored.record));
      expect(verifyTypedData(domain, RECORD_TYPES, stored.record, stored.signature)).toBe(wallet.address);
    }
    expect(store.counts().signed).toBe(5);
  });
});
