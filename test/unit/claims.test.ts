// The claim file's shares tree against @openzeppelin/merkle-tree's StandardMerkleTree (the
// independent implementation Settlement's leaf rule comes from), and the file's schema.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { describe, expect, it } from 'vitest';
import { CLAIMS_FORMAT, buildSharesTree, claimLeadsTo, claimsFile, parseClaimsFile, shareLeaf } from '../../shared/ledger/claims';
import { toHex } from '../../shared/merkle';

const TYPES = ['uint256', 'address', 'uint256'];
const account = (i: number) => `0x${(i + 1).toString(16).padStart(2, '0').repeat(20)}`;
const sharesOf = (n: number) => Array.from({ length: n }, (_, i) => ({ account: account(i % 7), amount: BigInt(i + 1) * 10n ** 15n + BigInt(i) }));

describe('shares tree against StandardMerkleTree', () => {
  for (const n of [1, 2, 3, 5, 8, 13, 100]) {
    it(`${n} shares: the same leaves, root and proofs as StandardMerkleTree with sortLeaves: false`, () => {
      const shares = sharesOf(n);
      const ours = buildSharesTree(shares);
      const values = shares.map((s, i) => [i, s.account, s.amount]);
      const oz = StandardMerkleTree.of(values, TYPES, { sortLeaves: false });
      expect(ours.root).toBe(oz.root);
      for (const [i, v] of oz.entries()) {
        expect(toHex(shareLeaf(i, shares[i]!.account, shares[i]!.amount))).toBe(oz.leafHash(v));
        expect(ours.claims[i]!.proof).toEqual(oz.getProof(i));
        expect(claimLeadsTo(ours.claims[i]!, ours.root)).toBe(true);
      }
      expect(ours.total).toBe(shares.reduce((sum, s) => sum + s.amount, 0n));
    });
  }

  it("accepts the proofs of OpenZeppelin's default (sorted) tree too: a verifier needs only leaf and proof", () => {
    const shares = sharesOf(9);
    const oz = StandardMerkleTree.of(shares.map((s, i) => [i, s.account, s.amount]), TYPES);
    for (const [i] of oz.entries()) {
      const [index, acct, amount] = oz.at(i) as [number, string, bigint];
      expect(claimLeadsTo({ index, account: acct, amount: amount.toString(), proof: oz.getProof(i) }, oz.root)).toBe(true);
    }
  });

  it('a changed amount, account or index no longer leads to the root', () => {
    const tree = buildSharesTree(sharesOf(4));
    const c = tree.claims[2]!;
    expect(claimLeadsTo({ ...c, amount: (BigInt(c.amount) + 1n).toString() }, tree.root)).toBe(false);
    expect(claimLeadsTo({ ...c, account: account(6) }, tree.root)).toBe(false);
    expect(claimLeadsTo({ ...c, index: 3 }, tree.root)).toBe(false);
    expect(claimLeadsTo({ ...c, proof: c.proof.slice(1) }, tree.root)).toBe(false);
  });

  it('refuses an empty list and a share of zero', () => {
    expect(() => buildSharesTree([])).toThrow(/at least one share/);
    expect(() => buildSharesTree([{ account: account(0), amount: 0n }])).toThrow(/more than zero/);
  });
});

describe('the claim file', () => {
  const tree = buildSharesTree(sharesOf(3));
  const file = claimsFile({ chainId: 31337, settlement: account(9), payments: [{ paymentId: 4n, tree }] });

  it('round-trips through JSON, amounts as decimal strings', () => {
    expect(file.format).toBe(CLAIMS_FORMAT);
    expect(file.claims.map((c) => [c.paymentId, c.index])).toEqual([
      ['4', 0],
      ['4', 1],
      ['4', 2],
    ]);
    expect(parseClaimsFile(JSON.stringify(file))).toEqual(file);
    expect(typeof file.claims[0]!.amount).toBe('string');
  });

  it('keeps one account only when asked', () => {
    const only = claimsFile({ chainId: 1, settlement: account(9), payments: [{ paymentId: 0, tree }], onlyAccount: account(1).toUpperCase().replace('0X', '0x') });
    expect(only.claims.map((c) => c.index)).toEqual([1]);
  });

  it('names what is wrong: not JSON, another format, a number amount, a bad proof entry', () => {
    expect(() => parseClaimsFile('{')).toThrow(/is not JSON/);
    expect(() => parseClaimsFile(JSON.stringify({ ...file, format: 'datanet-studio/contribution-bundle@1' }))).toThrow(/format is "datanet-studio\/contribution-bundle@1", expected "datanet-studio\/claims@1"/);
    const numeric = { ...file, claims: [{ ...file.claims[0]!, amount: 1000 }] };
    expect(() => parseClaimsFile(JSON.stringify(numeric))).toThrow(/claims\.0\.amount/);
    const badProof = { ...file, claims: [{ ...file.claims[0]!, proof: ['0x12'] }] };
    expect(() => parseClaimsFile(JSON.stringify(badProof))).toThrow(/claims\.0\.proof\.0 must be 32 bytes/);
    expect(() => parseClaimsFile(JSON.stringify({ ...file, claims: [] }))).toThrow(/at least one claim/);
    expect(() => parseClaimsFile(JSON.stringify({ ...file, claims: [{ ...file.claims[0]!, amount: (1n << 256n).toString() }] }))).toThrow(/uint256/);
  });
});
