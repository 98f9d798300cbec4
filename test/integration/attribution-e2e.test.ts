/**
 * Proof of attribution end to end on the embedded devnet: two contributors (two wallets) each
 * contribute half of a version's records, an adapter is trained on the version (training.start,
 * a tiny GPT-2) and registered by a third wallet, an output quoting one record of each is
 * attributed by spans (the span index built inline), the record's signature and hashes check
 * out, the fee is settled to Settlement with the shares root, and each contributor imports the
 * claim file and claims exactly their share: their balance grows by the share less the claim's gas.
 * The owner's part and the shares add up to the fee.
 */
import { JsonRpcProvider, verifyTypedData } from 'ethers';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attribution } from '../../shared/api/schemas/attribution';
import type { Reward } from '../../shared/api/schemas/rewards';
import { ATTRIBUTION_TYPES, attributionTypedValue, checkAttributionFile, contributorsPart, textHash, type AttributionFile } from '../../shared/ledger/attribution-record';
import { parseClaimsFile } from '../../shared/ledger/claims';
import { call, testBackend } from '../fixtures/datanet-backend';
import { attributionWorld, BPS, importWallet, KEY_A, KEY_B, KEY_OWNER } from './attribution-world';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10);
  delete process.env.STUDIO_WALLET_PASSWORD;
});

describe('attribution end to end on the devnet', () => {
  it('attributes an output of a registered adapter, settles a fee, and both contributors claim their shares to the wei', async () => {
    const b = testBackend();
    const { rows, half, a: aAddress, b: bAddress, owner: ownerAddress, responseOf } = await attributionWorld(b);
    const [a, bee, owner] = [{ address: aAddress }, { address: bAddress }, { address: ownerAddress }];

    // An output quoting one response of each contributor's half.
    const output = `${responseOf(rows[1]!.text)} ${responseOf(rows[half + 2]!.text)}`;
    const attribution = await call<Attribution>(b, 'attribution.attribute', { model: 'tiny-gpt2', adapter: 'numbers', prompt: 'Tell me about two numbers.', output, top: 5, method: 'spans' });
    expect(attribution.record).toMatchObject({ method: 'spans', totalFee: '0', ownerShareBps: BPS, server: owner.address.toLowerCase(), queryHash: textHash('Tell me about two numbers.'), outputHash: textHash(output) });
    expect(attribution.topExamples.slice(0, 2).map((e) => e.itemId).sort()).toEqual([rows[1]!.id, rows[half + 2]!.id].sort());
    expect(attribution.shares).toEqual([]);
    expect(attribution.spans.length).toBeGreaterThan(0);

    // Settled at a fee: the record is re-signed for it, its root is the one paid.
    const fee = 10n ** 17n + 7n;
    const settled = await call<{ attribution: Attribution; paymentId: string; txHash: string; claimsFile: string }>(b, 'attribution.settle', { id: attribution.id, feeWei: fee.toString() });
    const priced = settled.attribution;
    expect(priced.record.totalFee).toBe(fee.toString());
    expect(Number(priced.record.nonce)).toBeGreaterThan(Number(attribution.record.nonce));
    const part = contributorsPart(fee, BPS);
    const shareOf = (address: string) => BigInt(priced.shares.find((s) => s.account === address.toLowerCase())?.amount ?? '0');
    expect(shareOf(a.address)).toBeGreaterThan(0n);
    expect(shareOf(bee.address)).toBeGreaterThan(0n);
    expect(shareOf(a.address) + shareOf(bee.address)).toBe(part);
    await expect(call(b, 'attribution.settle', { id: attribution.id, feeWei: fee.toString() })).rejects.toThrow(/was settled already: payment/);

    // The exported record verifies: signer, hashes, root, sum.
    const file = await call<AttributionFile>(b, 'attribution.export', { id: attribution.id });
    expect(checkAttributionFile(file).filter((c) => !c.ok)).toEqual([]);
    expect(verifyTypedData(file.domain, ATTRIBUTION_TYPES, attributionTypedValue(file.record as never), file.signature)).toBe(owner.address);
    expect(parseClaimsFile(fs.readFileSync(settled.claimsFile, 'utf8')).claims).toHaveLength(2);
    expect((await call<Attribution[]>(b, 'attribution.list')).map((x) => x.paymentId)).toEqual([settled.paymentId]);

    // Each contributor claims their share: balance after = before + share − gas.
    const check = await call<{ rpcUrl: string }>(b, 'ledger.check');
    const provider = new JsonRpcProvider(check.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const claimed: bigint[] = [];
      for (const [key, address] of [[KEY_A, a.address], [KEY_B, bee.address]] as const) {
        await importWallet(b, key);
        await call(b, 'rewards.import', { file: fs.readFileSync(settled.claimsFile, 'utf8') });
        const [reward] = await call<Reward[]>(b, 'rewards.list');
        expect(reward).toMatchObject({ state: 'claimable', amount: shareOf(address).toString() });
        const before = await provider.getBalance(address);
        const { txHash } = await call<{ txHash: string }>(b, 'rewards.claim', { paymentId: reward!.paymentId, index: reward!.index });
        const receipt = (await provider.getTransactionReceipt(txHash))!;
        const after = await provider.getBalance(address);
        expect(after - before + receipt.gasUsed * receipt.gasPrice).toBe(shareOf(address));
        claimed.push(shareOf(address));
      }
      const ownerPart = fee - part;
      expect(claimed.reduce((s, x) => s + x, 0n) + ownerPart).toBe(fee);
    } finally {
      provider.destroy();
    }

    // Without an output, one is generated with the adapter and attributed (greedy).
    await importWallet(b, KEY_OWNER);
    const generated = await call<Attribution>(b, 'attribution.attribute', { model: 'tiny-gpt2', adapter: 'numbers', prompt: 'Tell me about the number 3.', maxTokens: 8 });
    expect(generated.record.outputHash).toBe(textHash(generated.output));
    await expect(call(b, 'attribution.attribute', { model: 'tiny-gpt2', adapter: 'numbers', prompt: 'x', output: 'y', method: 'influence' })).rejects.toThrow(/Influence attribution is not wired/);
    await b.close();
  }, 300_000);
});
