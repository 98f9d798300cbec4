// The ledger UI in Chromium against a real server and the app's own devnet (anvil): a wallet
// created through the page (the words read off it and typed back), funded by the faucet; a
// datanet version contributed, synced until confirmed, its proof downloaded and verified in the
// dialog; a wrong password; Settings' network profiles. Every view is shot light and dark into
// test-results/ (ledger-*.png) and checked by axe-core.
import fs from 'node:fs';
import { Wallet } from 'ethers';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_DEV_KEY } from '../../electron/backend/ledger/anvil-process';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { checkAxe, checkSmallWindow, openApp, shootBothThemes, startBrowserApp } from '../fixtures/app-page';
import type { ServedApp } from '../fixtures/served-app';

const PASSWORD = 'correct horse battery';

let app: ServedApp;
let browser: Browser;
let page: Page;
let datanet: Datanet;
let proofFile: string;
const problems: string[] = [];

/** The view in both themes (the app follows the system's), each screenshot checked by axe-core. */
const shoot = (name: string, target?: Locator) => shootBothThemes(page, `ledger-${name}`, { target });

/** The focused element's test id (or its tag), for where focus went after a control went away. */
const focused = () => page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null");

async function go(hash: string, testId: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.getByTestId(testId).waitFor();
}

beforeAll(async () => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = '1024'; // fast keystores in tests only; read when the backend opens
  ({ app, browser } = await startBrowserApp());
  datanet = await app.call<Datanet>('datanets.create', {
    name: 'Reviews',
    license: 'CC-BY-4.0',
    schema: { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative'] }] },
  });
  for (const text of ['Great service.', 'Slow delivery.', 'Fine value.']) {
    app.backend.datanets.items.insert(datanet.id, { content: { text, fields: {}, image: null }, source: null, importId: null });
  }
  const job = await app.call<Job>('versions.create', { datanet: datanet.id, note: 'first cut' });
  expect((await app.backend.jobs.settled(job.id)).state).toBe('succeeded');
  // The real CSP (no bypass): the downloads below must work under it.
  ({ page } = await openApp(browser, app, { viewport: { width: 1280, height: 1100 }, acceptDownloads: true, readyTestId: 'nav-wallet', problems }));
}, 120_000);

afterAll(async () => {
  await browser.close();
  await app.close();
});

describe('the ledger UI in Chromium', () => {
  it('creates a wallet: the words shown once, three typed back, a password twice', async () => {
    await go('#/wallet', 'wallet-create-start');
    await shoot('wallet-empty');
    await page.getByTestId('wallet-create-start').click();
    await page.getByTestId('wallet-create-begin').click();
    // The words come with wallet.create's answer: read them once they are shown, not as the click returns.
    await page.getByTestId('wallet-word').first().waitFor();
    const words = await page.getByTestId('wallet-word').locator('.mono').allTextContents();
    expect(words).toHaveLength(12);
    expect(await page.getByTestId('wallet-words-next').isDisabled(), 'Continue waits for "I have written them down"').toBe(true);
    await shoot('create-words');
    await page.getByTestId('wallet-words-written').check();
    await page.getByTestId('wallet-words-next').click();

    const inputs = page.getByTestId('wallet-confirm-word');
    expect(await inputs.count()).toBe(3);
    const indices = await Promise.all((await inputs.all()).map(async (input) => Number(await input.getAttribute('data-index'))));
    // A wrong word first: the backend refuses it and the page says which.
    for (const [n, i] of indices.entries()) await inputs.nth(n).fill(n === 0 ? 'wrongword' : words[i]!);
    await page.getByTestId('wallet-new-password').fill(PASSWORD);
    await page.getByTestId('wallet-new-password-repeat').fill(`${PASSWORD}!`);
    await page.getByTestId('wallet-confirm-submit').click();
    await expect.poll(() => page.getByTestId('wallet-password-error').textContent()).toMatch(/passwords differ/);
    await page.getByTestId('wallet-new-password-repeat').fill(PASSWORD);
    await page.getByTestId('wallet-confirm-submit').click();
    await expect.poll(() => page.getByTestId('wallet-confirm-error').textContent()).toMatch(new RegExp(`^Word ${indices[0]! + 1} does not match the recovery phrase`));
    // Only the wrong word is marked.
    expect(await Promise.all([0, 1, 2].map((n) => inputs.nth(n).getAttribute('aria-invalid')))).toEqual(['true', null, null]);
    await shoot('create-confirm');
    await inputs.nth(0).fill(words[indices[0]!]!);
    await page.getByTestId('wallet-confirm-submit').click();

    await page.getByTestId('wallet-address').waitFor();
    const status = await app.call<{ address: string; unlocked: boolean }>('wallet.status');
    expect(status.unlocked).toBe(true);
    expect(await page.getByTestId('wallet-address').textContent()).toBe(status.address);
    expect(await page.getByTestId('wallet-locks-in').textContent()).toMatch(/locks itself in \d+:\d\d if unused/);
  });

  it('funds the wallet from the devnet faucet and shows the balance; rewards are an honest empty state', async () => {
    await expect.poll(() => page.getByTestId('wallet-balance').textContent(), { timeout: 60_000 }).toMatch(/^0 ETH/);
    await page.getByTestId('wallet-fund').click();
    await expect.poll(() => page.getByTestId('wallet-balance').textContent(), { timeout: 30_000 }).toMatch(/^10 ETH/);
    expect(await page.getByTestId('wallet-rewards-empty').textContent()).toContain('No rewards imported');
    await shoot('wallet-unlocked');
  }, 90_000);

  it('exports the keystore as a file download under the CSP', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('wallet-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^UTC--.*--[0-9a-f]{40}\.json$/);
    const keystore = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as { address: string; crypto?: unknown; Crypto?: unknown };
    const { address } = await app.call<{ address: string }>('wallet.status');
    expect(`0x${keystore.address}`.toLowerCase()).toBe(address.toLowerCase());
    // ethers writes `Crypto`, geth `crypto`: either is the v3 keystore's encrypted section.
    expect(keystore.crypto ?? keystore.Crypto, 'the export is the encrypted keystore, never the key').toBeDefined();
  });

  it('contributes a version, syncs it until confirmed, and shows tx hash, block and confirmations', async () => {
    await go('#/contributions', 'contribute-open');
    await shoot('contributions-empty');
    await page.getByTestId('contribute-open').click();
    await page.getByTestId('contribute-datanet').waitFor();
    expect(await page.getByTestId('contribute-datanet').inputValue()).toBe(datanet.id);
    // The dialog opens on its first control, not on its close button.
    await expect.poll(focused).toBe('contribute-datanet');
    await expect.poll(() => page.getByTestId('contribute-version').locator('option').count()).toBe(2);
    // "Latest" names the version it is, as the Train page's picker does.
    expect(await page.getByTestId('contribute-version').locator('option').allTextContents()).toEqual(['Latest (v1)', expect.stringMatching(/^v1 · /)]);
    await shoot('contribute-dialog');
    await checkSmallWindow(page, 'ledger-contribute-dialog');
    await page.getByTestId('contribute-submit').click();
    const row = page.getByTestId('contribution-row');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('Reviews');
    expect(await row.locator('td').nth(2).textContent()).toBe('v1');

    // Sync now, once: the devnet makes a block only when a transaction arrives, so the app's own
    // pass mines the blocks the depth (2 on the devnet) needs. Nothing here mines.
    await page.getByTestId('sync-now').click();
    await page.getByTestId('sync-report').waitFor();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('confirmed');
    expect(await page.getByTestId('sync-report').textContent()).toMatch(/Last pass: \d+ sent, \d+ included, \d+ confirmed · head block \d+/);
    // Nothing waits on the chain: up to date, and the record says it is final rather than a count that goes stale.
    await expect.poll(() => page.getByTestId('sync-state').textContent()).toMatch(/^Up to date · Local devnet/);
    expect(await row.getByTestId('contribution-tx').getAttribute('data-tx')).toMatch(/^0x[0-9a-f]{64}$/);
    expect(Number(await row.getByTestId('contribution-block').textContent())).toBeGreaterThan(0);
    await expect.poll(() => row.getByTestId('contribution-confirmations').textContent()).toBe('≥ 2 · final');
    await expect.poll(() => page.getByTestId('status-outbox').getAttribute('data-pending')).toBe('0');
    await shoot('contributions-list');

    // On a narrow window the table scrolls sideways in its box, which then takes focus; wide, it adds no tab stop.
    const region = page.getByRole('region', { name: 'Contribution records' });
    expect(await region.getAttribute('tabindex')).toBeNull();
    await page.setViewportSize({ width: 640, height: 1100 });
    await expect.poll(() => region.getAttribute('tabindex')).toBe('0');
    await checkAxe(page, 'ledger-contributions-narrow');
    await page.setViewportSize({ width: 1280, height: 1100 });
    await expect.poll(() => region.getAttribute('tabindex')).toBeNull();
  }, 120_000);

  it('downloads the proof bundle and verifies it in the dialog: every check ✓; a tampered one shows ✗', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('contribution-proof').first().click()]);
    expect(download.suggestedFilename()).toMatch(/^contribution-[0-9a-f]{12}\.json$/);
    proofFile = await download.path();
    const bundle = JSON.parse(fs.readFileSync(proofFile, 'utf8')) as { format: string; signature: string; batch: { txHash: string } | null };
    expect(bundle.format).toBe('datanet-studio/contribution-bundle@1');
    expect(bundle.batch?.txHash).toBe(await page.getByTestId('contribution-tx').first().getAttribute('data-tx'));

    await page.getByTestId('verify-open').click();
    await page.getByTestId('verify-file').setInputFiles(proofFile);
    await expect.poll(() => page.getByTestId('verify-text').inputValue()).toContain('contribution-bundle@1');
    await page.getByTestId('verify-submit').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    const checks = page.getByTestId('verify-check');
    expect(await checks.count()).toBeGreaterThanOrEqual(4);
    const marks = async () => Promise.all((await checks.all()).map(async (c) => `${await c.getAttribute('data-ok')} ${await c.textContent()}`));
    expect((await marks()).every((m) => m.startsWith('true ✓')), (await marks()).join('\n')).toBe(true);
    expect(await checks.first().textContent()).toMatch(/^✓/);
    await shoot('verify-dialog', page.getByTestId('verify-dialog'));

    // Another signature (the last byte flipped): the same dialog must say it fails.
    const last = bundle.signature.slice(-2) === '1b' ? '1c' : '1b';
    await page.getByTestId('verify-text').fill(JSON.stringify({ ...bundle, signature: `${bundle.signature.slice(0, -2)}${last}` }));
    await page.getByTestId('verify-submit').click();
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false');
    expect((await marks()).some((m) => m.startsWith('false ✗')), (await marks()).join('\n')).toBe(true);
    // Not in a batch yet: it fails on its own, and the network was never asked, so none is blamed.
    await page.getByTestId('verify-text').fill(JSON.stringify({ ...bundle, batch: null }));
    await page.getByTestId('verify-submit').click();
    await expect.poll(() => result.textContent()).toContain('not in a batch yet');
    expect(await result.textContent()).not.toContain('could not be reached');
    await page.getByTestId('verify-text').fill('{"format": "something else"}');
    await page.getByTestId('verify-submit').click();
    await expect.poll(() => page.getByTestId('verify-error').textContent()).toMatch(/^The bundle /);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('verify-dialog').isVisible()).toBe(false);
  });

  it('the status bar shows the sync state and the outbox, and opens Contributions', async () => {
    await go('#/wallet', 'wallet-address');
    const item = page.getByTestId('status-outbox');
    expect(await item.getAttribute('data-state')).toBe('idle');
    expect(await item.textContent()).toMatch(/Synced.*0 pending/);
    await item.click();
    await page.getByTestId('page-contributions').waitFor();
    expect(await page.evaluate('location.hash')).toBe('#/contributions');
  });

  it('locks the wallet; a wrong password says so, the right one unlocks', async () => {
    await go('#/wallet', 'wallet-lock');
    // The anchoring paid gas: the balance shows at most six decimals (the full amount is its title).
    await expect.poll(() => page.getByTestId('wallet-balance').textContent()).toMatch(/^9\.\d{1,6} ETH/);
    await page.getByTestId('wallet-lock').click();
    await expect.poll(() => page.getByTestId('wallet-lock-state').getAttribute('data-unlocked')).toBe('false');
    // The Lock button is gone: focus goes to the password that unlocks, not to the page.
    await expect.poll(focused).toBe('wallet-unlock-password');
    await page.getByTestId('wallet-unlock-password').fill('not the password');
    await page.getByTestId('wallet-unlock').click();
    await expect.poll(() => page.getByTestId('wallet-unlock-error').textContent()).toBe('The password is not the password of this keystore.');
    expect(await page.getByTestId('wallet-unlock-password').getAttribute('aria-invalid')).toBe('true');
    await shoot('wallet-locked-error');
    await page.getByTestId('wallet-unlock-password').fill(PASSWORD);
    await page.getByTestId('wallet-unlock').click();
    await expect.poll(() => page.getByTestId('wallet-lock-state').getAttribute('data-unlocked')).toBe('true');
    // The form is gone: focus goes to the line that says the wallet is unlocked (Lock now is the next Tab).
    await expect.poll(focused).toBe('wallet-lock-state');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('wallet-lock');
  });

  it('Settings: the devnet profile checks its connection; a custom RPC with a bad URL is an error; back to the devnet', async () => {
    // Tall enough for the whole section in one element screenshot.
    await page.setViewportSize({ width: 1280, height: 1800 });
    await go('#/settings', 'ledger-section');
    const section = page.getByTestId('ledger-section');
    const devnet = section.getByTestId('devnet-status');
    await expect.poll(() => devnet.getAttribute('data-running')).toBe('true');
    await section.getByTestId('devnet-stop').click();
    await expect.poll(() => devnet.getAttribute('data-running'), { timeout: 20_000 }).toBe('false');
    expect((await app.backend.ledger.devnet.info()).running).toBe(false);
    await section.getByTestId('devnet-start').click();
    await expect.poll(() => devnet.getAttribute('data-running'), { timeout: 30_000 }).toBe('true');
    await section.getByTestId('ledger-check').click();
    await expect.poll(() => section.getByTestId('ledger-check-result').textContent()).toMatch(/Chain31337.*Head block\d+.*ContributionRegistry0x[0-9a-fA-F]{40}/);
    await shoot('settings-devnet', section);

    await section.getByTestId('ledger-profile-openledger-testnet').check();
    expect(await section.getByLabel(/rpc url/i).count()).toBe(1);
    expect(await section.getByLabel(/^name/i).count(), 'a preset fixes the name').toBe(0);
    // The chosen network's settings are titled by it (they sat indented under the last option, Custom).
    expect(await section.getByTestId('ledger-network-fields').locator('> legend').textContent()).toBe('OpenLedger testnet · chain 161201');
    await shoot('settings-preset', section);

    await section.getByTestId('ledger-profile-custom').check();
    await section.getByLabel(/^name/i).fill('Broken node');
    await section.getByLabel(/rpc url/i).fill('not a url');
    await section.getByLabel(/chain id/i).fill('1');
    await section.getByTestId('ledger-save').click();
    await expect.poll(() => section.getByTestId('ledger-error').textContent()).toMatch(/^RPC URL must be/);
    expect(await section.getByLabel(/rpc url/i).getAttribute('aria-invalid')).toBe('true');
    // A well-formed URL nothing answers: saved, and the check says it cannot be reached.
    await section.getByLabel(/rpc url/i).fill('http://127.0.0.1:9');
    await section.getByTestId('ledger-check').click();
    await expect.poll(() => section.getByTestId('ledger-check-error').textContent(), { timeout: 20_000 }).toMatch(/Broken node \(http:\/\/127\.0\.0\.1:9\) cannot be reached/);
    expect(await app.call('settings.get')).toMatchObject({ ledger: { kind: 'rpc', name: 'Broken node', rpcUrl: 'http://127.0.0.1:9', chainId: 1 } });
    await expect.poll(() => page.getByTestId('status-ledger').textContent()).toContain('Broken node');
    await shoot('settings-custom-error', section);

    await section.getByTestId('ledger-profile-devnet').check();
    await section.getByTestId('ledger-save').click();
    await expect.poll(async () => (await app.call<{ ledger: { kind: string } }>('settings.get')).ledger.kind).toBe('devnet');
    await expect.poll(() => page.getByTestId('status-ledger').textContent()).toContain('Local devnet');
    expect(problems).toEqual([]);
  }, 60_000);

  it("the faucet does not claim to fund the devnet's own account: that wallet is the one it pays from", async () => {
    const dev = new Wallet(ANVIL_DEV_KEY);
    await app.call('wallet.import', { source: { kind: 'privateKey', privateKey: ANVIL_DEV_KEY }, password: PASSWORD, replace: true });
    await go('#/contributions', 'contribute-open'); // away and back: the Wallet page reads the new wallet
    await go('#/wallet', 'wallet-fund');
    await expect.poll(() => page.getByTestId('wallet-address').textContent()).toBe(dev.address);
    await expect.poll(() => page.getByTestId('wallet-balance').textContent(), { timeout: 30_000 }).toMatch(/ ETH \(devnet\)$/);
    await page.getByTestId('wallet-fund').click();
    // What the section says once the faucet answered (read without waiting, so "Funded." would show here too).
    const said = page.getByTestId('wallet-balance-section').locator('.form-note');
    await expect.poll(() => said.allTextContents(), { timeout: 15_000 }).toEqual(["This wallet is the devnet's own funded account, the one the faucet pays from; it needs no faucet."]);
    expect(await page.getByTestId('wallet-fund-declined').getAttribute('role')).toBe('status');
    await shoot('wallet-faucet-self', page.getByTestId('wallet-balance-section'));
    expect(problems).toEqual([]);
  }, 60_000);
});
