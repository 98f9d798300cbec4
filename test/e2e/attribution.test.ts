/**
 * Attribution in the UI, in Chromium against the served app and its own devnet. Through the API,
 * as the factory leaves things: a datanet version of sums, a tiny base model, a contributor's
 * wallet funded and its record of the version signed, an adapter trained on it and registered by
 * the same wallet. In the UI: ask the adapter in the playground, click "Why this answer?", and the
 * panel shows the matched spans, the top training examples and the contributor with a score. The
 * fee is settled through the API; the Contributions page shows what the record earned, and the
 * Wallet (the claim file imported) the claimable amount, claimed with Claim all. Also: the same
 * answer by influence, and an unregistered adapter's answer that links to the Models page. Every view is
 * shot light and dark into test-results/ (attribution-*.png), axe-clean.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attribution } from '../../shared/api/schemas/attribution';
import type { Job } from '../../shared/api/schemas/jobs';
import { contributorsPart } from '../../shared/ledger/attribution-record';
import { checkSmallWindow, goTo, openApp, shootBothThemes, startBrowserApp } from '../fixtures/app-page';
import { installTinyModel, seedSumsDatanet } from '../fixtures/model-factory';
import type { ServedApp } from '../fixtures/served-app';

const PASSWORD = 'correct horse battery';
const ADAPTER = 'sums-attr';
const BPS = 2000;
const UNREGISTERED = 'sums-unregistered';

let app: ServedApp;
let browser: Browser;
let page: Page;
let closePage: (() => Promise<void>) | undefined;
let address: string;
let recordId: string;
const problems: string[] = [];

beforeAll(async () => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = '1024'; // fast keystores in tests only
  ({ app, browser } = await startBrowserApp());
  const datanet = await seedSumsDatanet(app);
  await installTinyModel(app, 'tiny-qwen', { architecture: 'qwen2', seed: 3 });
  address = (await app.call<{ address: string }>('wallet.import', { source: { kind: 'privateKey', privateKey: '0x' + '6b'.repeat(32) }, password: PASSWORD })).address;
  await app.call('wallet.fund', { eth: '2' });
  recordId = (await app.call<{ recordId: string }>('contributions.create', { datanet: datanet.id })).recordId;
  // Trained long enough to answer "It is N." as the data does, so its answers quote the data. On
  // every pair (no eval split): the split is seeded by record ids, which are new each run, and a
  // held-out "3 plus one" was answered with what the model never saw (no span to mark).
  const job = await app.call<Job>('training.start', { model: 'tiny-qwen', datanet: datanet.id, out: ADAPTER, steps: 600, rank: 4, batch: 2, maxLen: 64, lr: 0.01, evalFraction: 0, evalEvery: 200, checkpointEvery: 300 });
  const done = await app.backend.jobs.settled(job.id);
  expect(done.state).toBe('succeeded');
  await app.call('models.register', { adapter: ADAPTER, ownerShareBps: BPS });
  // A second adapter, never registered: its answers cannot be attributed.
  const other = await app.call<Job>('training.start', { model: 'tiny-qwen', datanet: datanet.id, out: UNREGISTERED, steps: 10, rank: 4, batch: 2, maxLen: 64, lr: 0.01, evalEvery: 5, checkpointEvery: 10 });
  expect((await app.backend.jobs.settled(other.id)).state).toBe('succeeded');
  const { context, page: opened } = await openApp(browser, app, { viewport: { width: 1280, height: 1100 }, problems });
  page = opened;
  closePage = () => context.close();
}, 240_000);

afterAll(async () => {
  await closePage?.();
  await browser.close();
  await app.close();
  expect(problems).toEqual([]);
});

describe('attribution in the app', () => {
  it('explains an answer in the playground, then shows the settled fee as earnings and a claimable reward', async () => {
    await goTo(page, `#/playground/tiny-qwen/${ADAPTER}`);
    await page.getByTestId('playground').waitFor();
    await expect.poll(() => page.getByTestId('pg-adapter').inputValue()).toBe(ADAPTER);
    await page.getByTestId('sampling').locator('summary').click();
    await page.getByTestId('sampling-temperature').fill('0');
    await page.getByTestId('sampling-maxTokens').fill('12');
    await page.getByTestId('pg-composer').fill('What is 3 plus one?');
    await page.getByTestId('pg-composer').press('Enter');
    const answer = page.getByTestId('pg-message-assistant').first();
    await expect.poll(() => answer.getByTestId('pg-message-stats').textContent(), { timeout: 30_000 }).toMatch(/^\d+ tokens/);
    const output = (await answer.getByTestId('pg-message-text').textContent()) ?? '';

    // The record is signed with the wallet: locked, the panel says where to unlock it.
    await app.call('wallet.lock');
    await answer.getByTestId('pg-why-button').click();
    await answer.getByTestId('pg-why-error').waitFor();
    expect(await answer.getByTestId('pg-why-locked').locator('a').getAttribute('href')).toBe('#/wallet');
    expect(await app.call<Attribution[]>('attribution.list')).toEqual([]);
    await app.call('wallet.unlock', { password: PASSWORD });

    // Why this answer: by matching spans (the index is built on the way).
    await answer.getByTestId('pg-why-button').click();
    const panel = answer.locator('[data-testid="pg-why-panel"][data-method="spans"]');
    await answer.getByTestId('pg-why-panel').waitFor({ timeout: 120_000 });
    expect(await answer.getByTestId('pg-why-error').count()).toBe(0);
    expect(await panel.getAttribute('data-method')).toBe('spans');
    // The attribution the panel shows is kept. Its spans (the backend's) are marked: pieces of the answer.
    const [kept] = await app.call<Attribution[]>('attribution.list');
    expect(kept).toMatchObject({ adapter: ADAPTER, output, paymentId: null });
    expect(kept!.record.method).toBe('spans');
    expect(kept!.spans.length, `the backend's spans of ${JSON.stringify(output)}`).toBeGreaterThan(0);
    const marked = await panel.getByTestId('pg-why-span').allTextContents();
    expect(marked.length, `spans of ${JSON.stringify(output)}: ${await panel.textContent()}`).toBeGreaterThan(0);
    for (const m of marked) expect(output).toContain(m);
    expect(await panel.getByTestId('pg-why-output').textContent()).toBe(output);
    expect(await panel.getByTestId('pg-why-example').count()).toBeGreaterThan(0);
    await expect.poll(() => panel.getByTestId('pg-why-item').first().textContent()).toMatch(/What is \d+ plus one\?/);
    const contributor = panel.getByTestId('pg-why-contributor');
    expect(await contributor.count()).toBe(1);
    expect((await contributor.getAttribute('data-contributor'))?.toLowerCase()).toBe(address.toLowerCase());
    expect(Number(await contributor.getByTestId('pg-why-contributor-score').getAttribute('title'))).toBeGreaterThan(0);
    await shootBothThemes(page, 'attribution-why', { target: answer });
    expect(await panel.getByTestId('pg-why-settle').locator('label').textContent()).toBe('Pay a fee for this answer (ETH)');

    // Pay its fee from the panel: a bad amount is refused with why, a good one shows the split first.
    const fee = 10n ** 17n + 3n;
    const part = contributorsPart(fee, BPS);
    const feeInput = panel.getByTestId('pg-why-fee');
    await feeInput.fill('0.1.2');
    expect(await panel.getByTestId('pg-why-split').textContent()).toBe('"0.1.2" is not an amount: write it as a decimal number, e.g. 0.1');
    expect(await panel.getByTestId('pg-why-pay').isDisabled()).toBe(true);
    await feeInput.fill('0.1234567890123456789');
    expect(await panel.getByTestId('pg-why-split').textContent()).toBe('"0.1234567890123456789" has 19 decimal places; the native token has 18');
    await feeInput.fill('0.100000000000000003');
    expect(await panel.getByTestId('pg-why-split').textContent()).toBe(
      `The model's owner keeps 0.02 ETH (20%, fixed at registration); the contributors share 0.080000000000000003 ETH by the scores above, to the wei.`,
    );
    await shootBothThemes(page, 'attribution-settle', { target: panel.getByTestId('pg-why-settle') });
    // Pay… sends nothing: it spells out the payment (from which wallet, the owner's and the
    // contributors' parts in ETH), and only "Pay 0.100000000000000003 ETH" pays. Back leaves it unpaid.
    await panel.getByTestId('pg-why-pay').click();
    const confirm = panel.getByTestId('pg-why-confirm');
    await confirm.waitFor();
    await expect.poll(() => confirm.getByTestId('pg-why-confirm-from').textContent()).toBe(`From your wallet ${address}, which also pays the gas.`);
    expect(await confirm.getByTestId('pg-why-confirm-owner').textContent()).toMatch(/^0\.02 ETH to the model's owner 0x[0-9a-f]{6}…[0-9a-f]{6} \(20%, fixed at registration\), withdrawn by the owner$/);
    expect(await confirm.getByTestId('pg-why-confirm-contributors').textContent()).toMatch(/^0\.080000000000000003 ETH to the contributor, by their shares/);
    expect((await confirm.getByTestId('pg-why-confirm-contributor').getAttribute('data-contributor'))?.toLowerCase()).toBe(address.toLowerCase());
    expect(await confirm.getByTestId('pg-why-confirm-contributor').textContent()).toMatch(/100% \(score /);
    const pay = confirm.getByTestId('pg-why-confirm-pay');
    expect(await pay.textContent()).toBe('Pay 0.100000000000000003 ETH');
    expect(await feeInput.isDisabled(), 'the fee cannot change under the confirmation').toBe(true);
    expect((await app.call<Attribution>('attribution.get', { id: kept!.id })).paymentId, 'nothing paid before the confirmation').toBeNull();
    await shootBothThemes(page, 'attribution-settle-confirm', { target: panel.getByTestId('pg-why-settle') });
    await confirm.getByRole('button', { name: 'Back' }).click();
    expect(await confirm.count()).toBe(0);
    expect((await app.call<Attribution>('attribution.get', { id: kept!.id })).paymentId).toBeNull();
    await panel.getByTestId('pg-why-pay').click();
    await confirm.getByTestId('pg-why-confirm-pay').click();
    const claims = panel.getByTestId('pg-why-claims');
    await claims.waitFor({ timeout: 60_000 });
    expect(await panel.getByTestId('pg-why-settle').count()).toBe(0);
    const claimsFile = (await claims.locator('.mono').textContent())!;
    expect(fs.existsSync(claimsFile)).toBe(true);
    const paid = await app.call<Attribution>('attribution.get', { id: kept!.id });
    expect(paid.paymentId).not.toBeNull();
    expect(paid.record.totalFee).toBe(fee.toString());
    expect(await panel.textContent()).toContain(`settled in payment #${paid.paymentId}`);
    const earned = paid.contributors.flatMap((c) => c.records).find((r) => r.recordId === recordId)?.amount;
    expect(earned).toBe(part.toString());
    // The share of the fee carries its unit.
    expect(await panel.getByTestId('pg-why-contributor-amount').textContent()).toBe('0.08 ETH');

    // Beside it, by influence (the adapter's gradient store is built on the way): the same contributor, unpriced.
    await answer.getByTestId('pg-why-compare').click();
    const byInfluence = answer.locator('[data-testid="pg-why-panel"][data-method="influence"]');
    await byInfluence.waitFor({ timeout: 120_000 });
    expect(await Promise.all((await answer.getByTestId('pg-why-panel').all()).map((p) => p.getAttribute('data-method')))).toEqual(['spans', 'influence']);
    expect(await answer.getByTestId('pg-why-compare').count()).toBe(0);
    expect(await byInfluence.getByTestId('pg-why-output').count()).toBe(0);
    expect(await byInfluence.getByTestId('pg-why-example').count()).toBe(5);
    const kept2 = await app.call<Attribution[]>('attribution.list');
    expect(kept2.map((a) => [a.record.method, a.paymentId !== null])).toEqual([
      ['influence', false],
      ['spans', true],
    ]);
    // Influence pays a contributor only when their examples' scores add up positive: the panel shows what was kept, either way.
    const influence = kept2[0]!;
    const scores = await Promise.all((await byInfluence.getByTestId('pg-why-example').locator('.pg-why-score').all()).map(async (e) => Number(await e.getAttribute('title'))));
    expect(scores).toEqual(influence.topExamples.map((e) => e.score));
    // Each example names its item, a link to it in Annotate, and words its number as what it is: the
    // record's place in the version (held-out records count), not one of the examples trained on.
    const firstExample = byInfluence.getByTestId('pg-why-example').first();
    const top = influence.topExamples[0]!;
    await expect.poll(() => firstExample.getByTestId('pg-why-item-link').getAttribute('href')).toMatch(new RegExp(`^#/annotate/dn_[^/]+/${top.itemId}$`));
    expect(await firstExample.getByTestId('pg-why-item-link').textContent()).toBe(top.itemId);
    expect(await firstExample.getByTestId('pg-why-position').textContent()).toBe(`record ${top.position + 1} of v1`);
    expect(await firstExample.getByTestId('pg-why-position').getAttribute('title')).toMatch(
      new RegExp(`^Record ${top.position + 1} of version 1, counting all of its records \\(those held out for evaluation too\\); the adapter trained on \\d+ examples of them\\.$`),
    );
    expect(await byInfluence.getByTestId('pg-why-contributor').count()).toBe(influence.contributors.length);
    expect(await byInfluence.getByTestId('pg-why-no-contributor').count()).toBe(influence.contributors.length === 0 ? 1 : 0);
    await shootBothThemes(page, 'attribution-why-influence', { target: byInfluence });
    await checkSmallWindow(page, 'attribution-why-both');
    // Hide closes both.
    await answer.getByTestId('pg-why-close').click();
    expect(await answer.getByTestId('pg-why-panel').count()).toBe(0);

    // An answer of an unregistered adapter: no button, a link to where registering is.
    await page.getByTestId('pg-adapter').selectOption(UNREGISTERED);
    await page.getByTestId('pg-composer').fill('What is 5 plus one?');
    await page.getByTestId('pg-composer').press('Enter');
    const second = page.getByTestId('pg-message-assistant').nth(1);
    await expect.poll(() => second.getByTestId('pg-message-stats').textContent(), { timeout: 30_000 }).toMatch(/^\d+ tokens/);
    const unregistered = second.getByTestId('pg-why-unregistered');
    await unregistered.waitFor();
    expect(await unregistered.locator('a').getAttribute('href')).toBe('#/models');
    expect(await second.getByTestId('pg-why-button').count()).toBe(0);

    // Contributions: the record's earnings (the unsettled influence attribution adds nothing).
    await goTo(page, '#/contributions');
    const row = page.locator(`[data-testid="contribution-row"][data-record="${recordId}"]`);
    await expect.poll(() => row.getByTestId('contribution-earned').getAttribute('data-wei')).toBe(part.toString());
    expect(await row.getByTestId('contribution-earned').textContent()).toBe('0.08 ETH');
    await shootBothThemes(page, 'attribution-earnings', { target: page.getByTestId('contributions-table') });
    await checkSmallWindow(page, 'attribution-earnings');

    // Wallet: the claim file imported, the claimable total is the record's earnings; Claim all claims it.
    await app.call('rewards.import', { file: fs.readFileSync(claimsFile, 'utf8') });
    await goTo(page, '#/wallet');
    const total = page.getByTestId('wallet-claimable-total');
    await expect.poll(() => total.getAttribute('data-wei'), { timeout: 30_000 }).toBe(part.toString());
    // The reward names the adapter it was paid for (registered here, so by name) and when.
    const reward = page.getByTestId('wallet-reward');
    expect(await reward.getByTestId('wallet-reward-adapter').textContent()).toBe(ADAPTER);
    expect(await reward.getByTestId('wallet-reward-for').textContent()).toBe(`${ADAPTER} · payment #${paid.paymentId}, share 0`);
    expect(Number(await reward.getByTestId('wallet-reward-paid').getAttribute('data-paid-at'))).toBeGreaterThan(0);
    await shootBothThemes(page, 'attribution-claimable', { target: page.getByTestId('wallet-rewards') });
    await page.getByTestId('wallet-claim-all').click();
    await page.getByTestId('wallet-claimed-all').waitFor({ timeout: 60_000 });
    await expect.poll(() => total.getAttribute('data-wei'), { timeout: 30_000 }).toBe('0');
    expect(await page.locator('[data-testid="wallet-reward"]').getAttribute('data-state')).toBe('claimed');
  }, 300_000);

  it("attributes an adapter's answers by the method chosen for it on the Models page", async () => {
    await goTo(page, '#/models');
    const row = page.locator(`[data-testid="adapter-row"][data-name="${ADAPTER}"]`);
    const select = row.getByTestId('adapter-attribution-method');
    expect(await select.inputValue()).toBe('spans');
    // Only a registered adapter's answers are attributed: the unregistered one has no choice to make.
    expect(await page.locator(`[data-testid="adapter-row"][data-name="${UNREGISTERED}"]`).getByTestId('adapter-attribution-method').count()).toBe(0);
    await select.selectOption('influence');
    await expect.poll(async () => (await app.call<{ name: string; attributionMethod: string }[]>('adapters.list')).find((a) => a.name === ADAPTER)?.attributionMethod).toBe('influence');
    await shootBothThemes(page, 'attribution-method', { target: row });

    // The playground's panel starts with it, and an attribution that names no method uses it.
    await goTo(page, `#/playground/tiny-qwen/${ADAPTER}`);
    await page.getByTestId('playground').waitFor();
    await expect.poll(() => page.getByTestId('pg-adapter').inputValue()).toBe(ADAPTER);
    await page.getByTestId('pg-composer').fill('What is 2 plus one?');
    await page.getByTestId('pg-composer').press('Enter');
    const answer = page.getByTestId('pg-message-assistant').first();
    await expect.poll(() => answer.getByTestId('pg-message-stats').textContent(), { timeout: 30_000 }).toMatch(/^\d+ tokens/);
    expect(await answer.getByTestId('pg-why-method').inputValue()).toBe('influence');
    const named = await app.call<Attribution>('attribution.attribute', { model: 'tiny-qwen', adapter: ADAPTER, prompt: 'What is 2 plus one?', output: 'It is 3.' });
    expect(named.record.method).toBe('influence');
    await app.call('adapters.setAttributionMethod', { name: ADAPTER, method: 'spans' });
  }, 180_000);
});
