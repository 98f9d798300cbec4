// Rewards through the API on the app's own devnet: a model registered and a fee paid with a shares
// root built by shared/ledger/claims.ts, the claim file imported (tampered, foreign and
// other-people's files refused), listed, claimed with the wallet, and refused a second time.
import { Contract, Wallet, hexlify, parseEther, randomBytes, type InterfaceAbi } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_DEV_KEY } from '../../electron/backend/ledger/anvil-process';
import { artifact } from '../../electron/backend/ledger/artifacts';
import { eventsOf, sendTx } from '../../electron/backend/ledger/contract-call';
import type { Backend } from '../../electron/backend';
import { buildSharesTree, claimsFile, type ClaimsFile, type Share } from '../../shared/ledger/claims';
import { providerFor } from '../fixtures/anvil';
import { call, testBackend } from '../fixtures/datanet-backend';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10); // fast keystores in tests only
});

const PASSWORD = 'a long password';
const KEY = '0x' + '21'.repeat(32);
const OTHER_KEY = '0x' + '42'.repeat(32);

interface Reward {
  paymentId: string;
  index: number;
  account: string;
  amount: string;
  formatted: string;
  state: string;
  reason: string | null;
  claimTx: string | null;
}

/** The settler's side, done with anvil's dev account: a model at 20% for its owner, then fees paid with shares roots. */
async function settler(b: Backend) {
  const check = await call<{ chainId: number; rpcUrl: string; addresses: Record<string, string> }>(b, 'ledger.check');
  const provider = providerFor(check.rpcUrl);
  const dev = new Wallet(ANVIL_DEV_KEY, provider);
  const contract = (name: 'ModelRegistry' | 'Settlement') => new Contract(check.addresses[name]!, artifact(name).abi as InterfaceAbi, dev);
  const adapter = hexlify(randomBytes(32));
  await sendTx(contract('ModelRegistry'), 'register', [adapter, hexlify(randomBytes(32)), hexlify(randomBytes(32)), dev.address, 2000, '']);
  return {
    check,
    provider,
    settlement: contract('Settlement'),
    /** Pays `fee` with these shares; the claim file of that payment. */
    async pay(fee: bigint, shares: Share[]): Promise<ClaimsFile> {
      const tree = buildSharesTree(shares);
      const receipt = await sendTx(contract('Settlement'), 'pay', [adapter, tree.root, 'test://attribution'], { value: fee });
      const paymentId = eventsOf(contract('Settlement'), receipt)[0]!.args.paymentId as bigint;
      return claimsFile({ chainId: check.chainId, settlement: check.addresses.Settlement!, payments: [{ paymentId, tree }] });
    },
  };
}

const text = (file: unknown) => JSON.stringify(file);

describe('rewards on the embedded devnet', () => {
  it('imports a checked claim file, lists the share as claimable, claims it once, and refuses a second claim', async () => {
    const b = testBackend();
    const me = await call<{ address: string }>(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: KEY }, password: PASSWORD });
    const other = new Wallet(OTHER_KEY).address;
    await call(b, 'wallet.fund', { eth: '1' });
    expect(await call(b, 'rewards.list')).toEqual([]);

    const s = await settler(b);
    try {
      // 1 ETH at 20% for the owner: 0.8 ETH for contributors, 0.3 to this wallet and 0.5 to another.
      const file = await s.pay(parseEther('1'), [
        { account: me.address, amount: parseEther('0.3') },
        { account: other, amount: parseEther('0.5') },
      ]);
      const mine = file.claims.find((c) => c.account === me.address.toLowerCase())!;

      const tampered = { ...file, claims: file.claims.map((c) => (c === mine ? { ...c, amount: parseEther('0.8').toString() } : c)) };
      await expect(call(b, 'rewards.import', { file: text(tampered) })).rejects.toThrow(/"field":"file".*does not lead to the payment's shares root.*Nothing was imported/);
      await expect(call(b, 'rewards.import', { file: text({ ...file, chainId: 1612 }) })).rejects.toThrow(/is for chain 1612, but the network in Settings \(the local devnet\) is chain 31337/);
      await expect(call(b, 'rewards.import', { file: text({ ...file, settlement: other }) })).rejects.toThrow(/is for the Settlement contract at .* another deployment/);
      await expect(call(b, 'rewards.import', { file: text({ ...file, claims: file.claims.filter((c) => c !== mine) }) })).rejects.toThrow(/none paid to this wallet's address/);
      await expect(call(b, 'rewards.import', { file: text({ ...file, claims: [{ ...mine, paymentId: '99' }] }) })).rejects.toThrow(/payment 99 does not exist/);
      await expect(call(b, 'rewards.import', { file: '{"format":"datanet-studio/contribution-bundle@1"}' })).rejects.toThrow(/is not a claim file/);
      expect(await call(b, 'rewards.list')).toEqual([]);

      expect(await call(b, 'rewards.import', { file: text(file) })).toEqual({ checked: 2, mine: 1, payments: [mine.paymentId] });
      const [listed, ...rest] = await call<Reward[]>(b, 'rewards.list');
      expect(rest).toEqual([]);
      expect(listed).toMatchObject({ paymentId: mine.paymentId, index: mine.index, account: me.address, amount: parseEther('0.3').toString(), formatted: '0.3', state: 'claimable', reason: null, claimTx: null });

      await call(b, 'wallet.lock');
      await expect(call(b, 'rewards.claim', { paymentId: mine.paymentId, index: mine.index })).rejects.toThrow(/locked/);
      await call(b, 'wallet.unlock', { password: PASSWORD });
      await expect(call(b, 'rewards.claim', { paymentId: mine.paymentId, index: 1 })).rejects.toThrow(/No imported share 1 of payment .* import its claim file first/);

      const before = await s.provider.getBalance(me.address);
      const claimed = await call<{ txHash: string; amount: string; balance: string }>(b, 'rewards.claim', { paymentId: mine.paymentId, index: mine.index });
      const receipt = (await s.provider.getTransactionReceipt(claimed.txHash))!;
      const after = await s.provider.getBalance(me.address);
      expect(after - before + receipt.gasUsed * receipt.gasPrice).toBe(parseEther('0.3'));
      expect(claimed.balance).toBe(after.toString());

      const [again] = await call<Reward[]>(b, 'rewards.list');
      expect(again).toMatchObject({ state: 'claimed', claimTx: claimed.txHash });
      await expect(call(b, 'rewards.claim', { paymentId: mine.paymentId, index: mine.index })).rejects.toThrow(/"code":"conflict".*already claimed/);
      expect(await s.provider.getBalance(me.address)).toBe(after); // the refusal cost nothing: no transaction was sent
      // Importing the same file again changes nothing; the share stays claimed.
      await call(b, 'rewards.import', { file: text(file) });
      expect((await call<Reward[]>(b, 'rewards.list'))[0]).toMatchObject({ state: 'claimed', claimTx: claimed.txHash });
    } finally {
      s.provider.destroy();
    }
  }, 120_000);

  it('lists an over-promised share as invalid with its reason, and says plainly when the wallet cannot pay the gas', async () => {
    const b = testBackend();
    const me = await call<{ address: string }>(b, 'wallet.import', { source: { kind: 'privateKey', privateKey: OTHER_KEY }, password: PASSWORD });
    const someone = Wallet.createRandom().address;
    const s = await settler(b);
    try {
      // A settler's mistake: 0.6 + 0.6 promised of a 0.8 ETH contributors' part. Whoever claims first is paid.
      const overPromised = await s.pay(parseEther('1'), [
        { account: someone, amount: parseEther('0.6') },
        { account: me.address, amount: parseEther('0.6') },
      ]);
      const fine = await s.pay(parseEther('0.1'), [{ account: me.address, amount: parseEther('0.05') }]);
      const first = overPromised.claims[0]!;
      await sendTx(s.settlement, 'claim', [BigInt(first.paymentId), first.index, first.account, BigInt(first.amount), first.proof]);

      const both: ClaimsFile = { ...overPromised, claims: [...overPromised.claims, ...fine.claims] };
      expect(await call(b, 'rewards.import', { file: text(both) })).toMatchObject({ checked: 3, mine: 2 });
      const listed = await call<Reward[]>(b, 'rewards.list');
      const byPayment = new Map(listed.map((r) => [r.paymentId, r]));
      expect(byPayment.get(overPromised.claims[1]!.paymentId)).toMatchObject({ state: 'invalid', reason: expect.stringMatching(/Only 0\.2 of the payment's contributors' part is left/) as unknown });
      expect(byPayment.get(fine.claims[0]!.paymentId)).toMatchObject({ state: 'claimable' });
      await expect(call(b, 'rewards.claim', { paymentId: overPromised.claims[1]!.paymentId, index: 1 })).rejects.toThrow(/cannot be claimed: Only 0\.2/);

      // This wallet was never funded: the claim's gas cannot be paid.
      expect(await s.provider.getBalance(me.address)).toBe(0n);
      await expect(call(b, 'rewards.claim', { paymentId: fine.claims[0]!.paymentId, index: 0 })).rejects.toThrow(/too little of the local devnet's native token to pay the claim's gas\. Fund it/);
      expect((await call<Reward[]>(b, 'rewards.list')).find((r) => r.paymentId === fine.claims[0]!.paymentId)).toMatchObject({ state: 'claimable' });
    } finally {
      s.provider.destroy();
    }
  }, 120_000);
});
