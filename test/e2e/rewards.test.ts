// Rewards in the Wallet page, in Chromium against a real server and the app's own devnet: a fee
// paid with a shares root built by shared/ledger/claims.ts, the claim file picked in the page
// (a tampered one refused first), the share claimed with the Claim button, the balance refreshed.
// Every view is shot light and dark into test-results/ (rewards-*.png) and checked by axe-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Contract, Wallet, formatEther, hexlify, parseEther, randomBytes, type InterfaceAbi } from 'ethers';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_DEV_KEY } from '../../electron/backend/ledger/anvil-process';
import { artifact } from '../../electron/backend/ledger/artifacts';
import { eventsOf, sendTx } from '../../electron/backend/ledger/contract-call';
import { buildSharesTree, claimsFile } from '../../shared/ledger/claims';
import { providerFor } from '../fixtures/anvil';
import { openApp, shootBothThemes, startBrowserApp } from '../fixtures/app-page';
import type { ServedApp } from '../fixtures/served-app';

const PASSWORD = 'correct horse battery';
const SHARE = parseEther('0.25');

let app: ServedApp;
let browser: Browser;
let page: Page;
let dir: string;
let address: string;
let rpcUrl: string;
const problems: string[] = [];

/** The view in both themes, each screenshot checked by axe-core (serious and critical). */
const shoot = (name: string, target?: Locator) => shootBothThemes(page, `rewards-${name}`, { target });

/** The settler's side with anvil's dev account: a model at 20% for its owner, a 1 ETH fee, shares for this wallet and someone else. */
async function payAndWriteClaimFiles(): Promise<{ good: string; tampered: string; adapter: string; paidAt: number }> {
  const check = await app.call<{ chainId: number; rpcUrl: string; addresses: Record<string, string> }>('ledger.check');
  rpcUrl = check.rpcUrl;
  const provider = providerFor(check.rpcUrl);
  try {
    const dev = new Wallet(ANVIL_DEV_KEY, provider);
    const models = new Contract(check.addresses.ModelRegistry!, artifact('ModelRegistry').abi as InterfaceAbi, dev);
    const settlement = new Contract(check.addresses.Settlement!, artifact('Settlement').abi as InterfaceAbi, dev);
    const adapter = hexlify(randomBytes(32));
    await sendTx(models, 'register', [adapter, hexlify(randomBytes(32)), hexlify(randomBytes(32)), dev.address, 2000, '']);
    const tree = buildSharesTree([
      { account: Wallet.createRandom().address, amount: parseEther('0.55') },
      { account: address, amount: SHARE },
    ]);
    const receipt = await sendTx(settlement, 'pay', [adapter, tree.root, 'test://attribution'], { value: parseEther('1') });
    const paymentId = eventsOf(settlement, receipt)[0]!.args.paymentId as bigint;
    const paidAt = (await provider.getBlock(receipt.blockNumber))!.timestamp * 1000;
    const file = claimsFile({ chainId: check.chainId, settlement: check.addresses.Settlement!, payments: [{ paymentId, tree }] });
    const tampered = { ...file, claims: file.claims.map((c) => (c.index === 1 ? { ...c, amount: parseEther('0.5').toString() } : c)) };
    const good = path.join(dir, 'claims.json');
    const bad = path.join(dir, 'claims-tampered.json');
    fs.writeFileSync(good, JSON.stringify(file, null, 2));
    fs.writeFileSync(bad, JSON.stringify(tampered, null, 2));
    return { good, tampered: bad, adapter, paidAt };
  } finally {
    provider.destroy();
  }
}

beforeAll(async () => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = '1024'; // fast keystores in tests only
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-rewards-e2e-'));
  ({ app, browser } = await startBrowserApp());
  address = (await app.call<{ address: string }>('wallet.import', { source: { kind: 'privateKey', privateKey: '0x' + '5a'.repeat(32) }, password: PASSWORD })).address;
  await app.call('wallet.fund', { eth: '1' });
  ({ page } = await openApp(browser, app, { viewport: { width: 1280, height: 1400 }, readyTestId: 'nav-wallet', hash: '#/wallet', problems }));
  await page.getByTestId('wallet-address').waitFor();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('rewards in the Wallet page', () => {
  it('imports a claim file (a tampered one refused), claims the share, and the balance grows by it less the gas', async () => {
    const section = page.getByTestId('wallet-rewards-section');
    expect(await section.getByTestId('wallet-rewards-empty').textContent()).toContain('No rewards imported');
    await shoot('empty', section);

    const files = await payAndWriteClaimFiles();
    await section.getByTestId('wallet-claims-file').setInputFiles(files.tampered);
    await expect.poll(() => section.getByTestId('wallet-claims-error').textContent()).toMatch(/^The claim file has claims\.1 \(payment \d+, index 1\) whose proof of 500000000000000000 wei to 0x[0-9a-fA-F]{40} does not lead to the payment's shares root/);
    expect(await section.getByTestId('wallet-claims-file').getAttribute('aria-invalid')).toBe('true');
    expect(await section.getByTestId('wallet-reward').count(), 'nothing of a refused file is kept').toBe(0);
    await shoot('tampered', section);

    await section.getByTestId('wallet-claims-file').setInputFiles(files.good);
    await expect.poll(() => section.getByTestId('wallet-claims-imported').textContent()).toBe('Checked 2 claims; 1 paid to this wallet.');
    const row = section.getByTestId('wallet-reward');
    await expect.poll(() => row.getAttribute('data-state')).toBe('claimable');
    // Amounts carry the chain's unit; the total is a sentence with "share" in the right number.
    expect(await row.locator('td').nth(3).textContent()).toBe(`${formatEther(SHARE)} ETH`);
    // Each row says what it was paid for and when: the adapter (registered elsewhere, so by its
    // hash), the payment and share, and the payment's block time.
    const [listed] = await app.call<{ adapterHash: string | null; adapter: string | null; paidAt: number | null }[]>('rewards.list');
    expect(listed).toMatchObject({ adapterHash: files.adapter.toLowerCase(), adapter: null, paidAt: files.paidAt });
    expect(await row.getByTestId('wallet-reward-adapter').getAttribute('title')).toBe(files.adapter.toLowerCase());
    expect(await row.getByTestId('wallet-reward-for').textContent()).toMatch(/^Adapter 0x[0-9a-f]{6}…[0-9a-f]{6} · payment #\d+, share 1$/);
    const paid = row.getByTestId('wallet-reward-paid');
    expect(await paid.getAttribute('data-paid-at')).toBe(String(files.paidAt));
    expect(await paid.textContent()).toContain(String(new Date(files.paidAt).getFullYear()));
    const total = section.getByTestId('wallet-claimable-total');
    expect(await total.textContent()).toBe('Claimable: 0.25 ETH in 1 share.');
    await shoot('claimable', section);

    const balance = page.getByTestId('wallet-balance');
    await expect.poll(() => balance.textContent(), { timeout: 30_000 }).toMatch(/^0\.99\d* ETH|^1 ETH/);
    const provider = providerFor(rpcUrl);
    try {
      const before = await provider.getBalance(address);
      await row.getByTestId('wallet-reward-claim').click();
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('claimed');
      const txText = (await section.getByTestId('wallet-claimed').textContent()) ?? '';
      expect(txText).toMatch(/^Claimed 0\.25 ETH \(tx 0x[0-9a-f]{6}…[0-9a-f]{6}\)\.$/);
      const after = await provider.getBalance(address);
      const claimTx = (await app.call<{ claimTx: string }[]>('rewards.list'))[0]!.claimTx;
      const receipt = (await provider.getTransactionReceipt(claimTx))!;
      expect(after - before + receipt.gasUsed * receipt.gasPrice).toBe(SHARE);
      // The page asked for the balance again: it shows the new amount (six decimals at most).
      const shown = formatEther(after).replace(/^(\d+\.\d{0,6}).*$/, '$1').replace(/\.?0+$/, '');
      await expect.poll(() => balance.textContent(), { timeout: 15_000 }).toBe(`${shown} ETH (devnet)`);
    } finally {
      provider.destroy();
    }
    expect(await row.getByTestId('wallet-reward-claim').count(), 'no Claim button on a claimed share').toBe(0);
    // Nothing left: said in a sentence, not "Claimable: 0 in 0 shares".
    await expect.poll(() => total.textContent()).toBe('Nothing to claim now: every imported share is claimed or invalid.');
    expect(await total.getAttribute('data-wei')).toBe('0');
    await shoot('claimed', section);
    expect(problems).toEqual([]);
  }, 120_000);
});
