import { TypedDataEncoder, Wallet, verifyTypedData } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_TYPE,
  ATTRIBUTION_TYPES,
  attributionDigest,
  attributionDomain,
  attributionTypedValue,
  checkAttributionFile,
  contributorsPart,
  parseAttributionFile,
  sharesRootOf,
  textHash,
  ZERO_ROOT,
  type AttributionFile,
  type AttributionRecord,
} from '../../shared/ledger/attribution-record';
import { buildSharesTree } from '../../shared/ledger/claims';
import type { Hex } from '../../shared/ledger/eip712';

const KEY = '0x' + '41'.repeat(32);
const server = new Wallet(KEY);
const domain = attributionDomain(31337, '0x' + '5e'.repeat(20) as Hex);
const shares = [
  { account: '0x' + '0a'.repeat(20), amount: '600' },
  { account: '0x' + '0b'.repeat(20), amount: '150' },
];

function record(over: Partial<AttributionRecord> = {}): AttributionRecord {
  return {
    adapterHash: `0x${'ad'.repeat(32)}`,
    queryHash: textHash('What is 2 plus one?'),
    outputHash: textHash('It is 3.'),
    method: 'spans',
    sharesRoot: sharesRootOf(shares),
    totalFee: '1000',
    ownerShareBps: 2500,
    server: server.address.toLowerCase() as Hex,
    nonce: '7',
    createdAt: 1_790_000_000,
    ...over,
  };
}

describe('the attribution record (EIP-712)', () => {
  it('has the documented type string', () => {
    expect(ATTRIBUTION_TYPE).toBe(
      'AttributionRecord(bytes32 adapterHash,bytes32 queryHash,bytes32 outputHash,string method,bytes32 sharesRoot,uint256 totalFee,uint16 ownerShareBps,address server,uint256 nonce,uint64 createdAt)',
    );
  });

  it('hashes as ethers does, for every field changed, and a fee past 2^53', () => {
    const variants: Partial<AttributionRecord>[] = [
      {},
      { method: 'influence' },
      { totalFee: (10n ** 30n + 1n).toString() },
      { nonce: (2n ** 200n).toString() },
      { ownerShareBps: 0 },
      { sharesRoot: ZERO_ROOT },
      { outputHash: textHash('It is 4.') },
    ];
    const digests = new Set<string>();
    for (const v of variants) {
      const r = record(v);
      const ours = attributionDigest(r, domain);
      expect(ours).toBe(TypedDataEncoder.hash(domain, ATTRIBUTION_TYPES, attributionTypedValue(r)));
      digests.add(ours);
    }
    expect(digests.size).toBe(variants.length);
    expect(attributionDigest(record(), { ...domain, chainId: 1 })).not.toBe(attributionDigest(record(), domain));
  });

  it('is signed by the server, and the signature recovers it', async () => {
    const r = record();
    const signature = await server.signTypedData(domain, ATTRIBUTION_TYPES, attributionTypedValue(r));
    expect(verifyTypedData(domain, ATTRIBUTION_TYPES, attributionTypedValue(r), signature)).toBe(server.address);
    expect(verifyTypedData(domain, ATTRIBUTION_TYPES, attributionTypedValue(record({ totalFee: '1001' })), signature)).not.toBe(server.address);
  });

  it("splits the fee as Settlement does and checks a file's hashes, root and sum", async () => {
    expect(contributorsPart(1000n, 2500)).toBe(750n);
    expect(contributorsPart(999n, 2500)).toBe(750n); // the owner's part rounds down
    expect(sharesRootOf(shares)).toBe(buildSharesTree(shares).root);
    const r = record();
    const file: AttributionFile = {
      format: 'datanet-studio/attribution@1',
      domain,
      record: r,
      signature: await server.signTypedData(domain, ATTRIBUTION_TYPES, attributionTypedValue(r)),
      prompt: 'What is 2 plus one?',
      output: 'It is 3.',
      shares,
    };
    const ok = checkAttributionFile(parseAttributionFile(JSON.stringify(file)));
    expect(ok.every((c) => c.ok)).toBe(true);
    const failed = (f: AttributionFile) => checkAttributionFile(f).filter((c) => !c.ok).map((c) => c.name);
    expect(failed({ ...file, output: 'It is 4.' })).toEqual(['output hash']);
    expect(failed({ ...file, shares: [shares[0]!, { ...shares[1]!, amount: '151' }] })).toEqual(['shares root', 'shares sum']);
    expect(failed({ ...file, record: { ...r, totalFee: '2000' } })).toEqual(['shares sum']);
    expect(() => parseAttributionFile('{"format":"datanet-studio/attribution@1"}')).toThrow(/is not a valid attribution record file: domain/);
  });
});
