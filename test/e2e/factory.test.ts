/**
 * The model factory end to end (issue 8's "Done when"), in Chromium against the served app and
 * its own devnet. Through the API, as a contributor would have left things: a datanet version, a
 * tiny base model, a wallet funded on the devnet and a contribution record of the version signed
 * and synced. Then in the UI: train an adapter on the version with the live chart growing, register
 * it on the devnet (the manifest previewed, the wallet unlocked from the Wallet page, a
 * confirmation, "Registered"), read the registration back from the chain, export and verify its
 * manifest, chat with it in the playground (text streamed), and export it as a PEFT folder and a
 * GGUF LoRA. Then a run started outside the page (through the API, as the command line starts
 * one) and cancelled shows in a fresh browser profile from training.runs alone, its curve read
 * from its checkpoint, and resumes from there. Every view is shot light and dark into
 * test-results/ (factory-*.png), axe-clean.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Contract, type InterfaceAbi } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact } from '../../electron/backend/ledger/artifacts';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import type { TrainingRun } from '../../shared/api/schemas/training';
import type { TrainingManifest } from '../../shared/ledger/training-manifest';
import { providerFor } from '../fixtures/anvil';
import { checkSmallWindow, goTo, openApp, shootBothThemes, startBrowserApp } from '../fixtures/app-page';
import { installTinyModel, seedSumsDatanet } from '../fixtures/model-factory';
import type { ServedApp } from '../fixtures/served-app';
import { tempDir } from '../fixtures/temp-dir';

const PASSWORD = 'correct horse battery';
const RUN = 'sums-factory';

let app: ServedApp;
let browser: Browser;
let page: Page;
let closePage: (() => Promise<void>) | undefined;
let datanet: Datanet;
let address: string;
let recordId: string;
const problems: string[] = [];

const adapterRow = () => page.locator(`[data-testid="adapter-row"][data-name="${RUN}"]`);
const points = async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'));

beforeAll(async () => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = '1024'; // fast keystores in tests only
  ({ app, browser } = await startBrowserApp());
  datanet = await seedSumsDatanet(app);
  await installTinyModel(app, 'tiny-qwen', { architecture: 'qwen2', seed: 3 });
  // The contributor's side: a wallet with gas on the devnet, the version signed and anchored.
  address = (await app.call<{ address: string }>('wallet.import', { source: { kind: 'privateKey', privateKey: '0x' + '4f'.repeat(32) }, password: PASSWORD })).address;
  await app.call('wallet.fund', { eth: '1' });
  recordId = (await app.call<{ recordId: string }>('contributions.create', { datanet: datanet.id })).recordId;
  // Signing kicks a sync pass; more passes (and blocks: the devnet mines one per transaction) until
  // the record is confirmed. Then no pass is left to run, and locking the wallet below races none.
  const stateOf = async () => (await app.call<{ recordId: string; state: string }[]>('contributions.list', {})).find((c) => c.recordId === recordId)?.state;
  let state = await stateOf();
  for (let i = 0; i < 60 && state !== 'confirmed'; i++) {
    if (state === 'included') await app.call('wallet.fund', { eth: '0.01' });
    await app.call('ledger.sync');
    state = await stateOf();
    if (state === 'signed' || state === 'queued' || state === 'submitted') await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(state).toBe('confirmed');
  const { context, page: opened } = await openApp(browser, app, { viewport: { width: 1280, height: 1000 }, problems, acceptDownloads: true });
  page = opened;
  closePage = () => context.close();
}, 120_000);

afterAll(async () => {
  await closePage?.();
  await browser.close();
  await app.close();
  expect(problems).toEqual([]);
});

describe('the model factory', () => {
  it('trains an adapter on a datanet version, registers it on the devnet, chats with it, and exports it', async () => {
    // Train, with the live chart.
    await page.getByTestId('nav-train').click();
    await page.getByTestId('train-form').waitFor();
    expect(await page.getByTestId('train-datanet').inputValue()).toBe(datanet.id);
    await page.getByTestId('train-model').selectOption('tiny-qwen');
    await page.getByTestId('preset-custom').check();
    const set = async (key: string, value: number) => page.getByTestId(`hyper-${key}`).fill(String(value));
    // Steps enough for the chart to be seen growing while it runs, and for the adapter to learn "It is N.".
    await set('rank', 4);
    await set('steps', 600);
    await set('batch', 2);
    await set('maxLen', 64);
    await set('lr', 0.01);
    await set('evalEvery', 100);
    await set('checkpointEvery', 200);
    await page.getByTestId('train-out').fill(RUN);
    await page.getByTestId('train-start').click();
    const run = page.getByTestId('live-run');
    await expect.poll(() => run.getAttribute('data-run')).toBe(RUN);
    // Points arrive while the run goes on: the chart is live, not drawn at the end.
    await expect.poll(async () => (await run.getAttribute('data-state')) === 'running' && (await points()) >= 3, { timeout: 30_000 }).toBe(true);
    await shootBothThemes(page, 'factory-train-live', { target: page.getByTestId('train-run-section') });
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 120_000 }).toBe('succeeded');
    expect(await points()).toBeGreaterThanOrEqual(5);
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-evals'))).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('live-run-outcome').textContent()).toMatch(new RegExp(`^adapter ${RUN}: 600 steps, \\d+ examples, eval loss \\d`));
    // The history lists it from the backend's runs, finished.
    await expect.poll(() => page.locator(`[data-testid="history-row"][data-run="${RUN}"]`).getAttribute('data-state')).toBe('succeeded');

    // Register on the devnet: the wallet is locked first, and the dialog says where to unlock it.
    await app.call('wallet.lock');
    await page.getByTestId('nav-models').click();
    await adapterRow().getByTestId('adapter-register').click();
    const dialog = page.getByTestId('register-dialog');
    await dialog.getByTestId('register-locked').waitFor();
    expect(await dialog.getByTestId('register-locked').locator('a').getAttribute('href')).toBe('#/wallet');
    expect(await dialog.getByTestId('register-submit').isDisabled()).toBe(true);
    // The manifest it would send: the one record, from this wallet, weighing every token trained on.
    const preview = dialog.getByTestId('register-preview');
    await expect.poll(() => preview.getByTestId('manifest-summary').textContent(), { timeout: 30_000 }).toMatch(/^1 contribution record from 1 contributor, weighted by the \d+ target tokens/);
    expect(await preview.getByTestId('manifest-entry').count()).toBe(1);
    expect(await preview.getByTestId('manifest-entry').locator('td').first().getAttribute('title')).toBe(address);
    expect(await preview.getByTestId('manifest-entry').locator('td').nth(1).getAttribute('title')).toBe(recordId);
    await dialog.locator('.dialog-close').click();

    // Unlocked on the Wallet page, as the link leads.
    await page.getByTestId('nav-wallet').click();
    await page.getByTestId('wallet-unlock-password').fill(PASSWORD);
    await page.getByTestId('wallet-unlock').click();
    await expect.poll(() => page.getByTestId('wallet-lock-state').getAttribute('data-unlocked')).toBe('true');
    await page.getByTestId('nav-models').click();
    await adapterRow().getByTestId('adapter-register').click();
    await dialog.getByTestId('register-wallet').waitFor();
    expect(await dialog.getByTestId('register-wallet').textContent()).toContain(address);
    await preview.getByTestId('manifest-summary').waitFor({ timeout: 30_000 });
    // A share that is no percentage is named beside the field, and nothing can be sent.
    await dialog.getByTestId('register-share').fill('150');
    expect(await dialog.getByTestId('register-share-error').textContent()).toBe('The owner share must be a percentage from 0 to 100, with at most two decimals.');
    expect(await dialog.getByTestId('register-share').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByTestId('register-submit').isDisabled()).toBe(true);
    await dialog.getByTestId('register-share').fill('25');
    expect(await dialog.locator('#register-share-hint').textContent()).toContain('The other 75% of every fee goes to the contributors');
    expect(await preview.getByTestId('manifest-entry').locator('td').last().textContent()).toBe('100.0% (75.0% of a fee)');
    await dialog.getByTestId('register-uri').fill('ipfs://sums-factory');
    await shootBothThemes(page, 'factory-register-dialog', { target: dialog.locator('.dialog-panel') });
    await checkSmallWindow(page, 'factory-register-dialog');
    await dialog.getByTestId('register-submit').click();
    const confirm = dialog.getByTestId('register-confirm');
    expect(await confirm.textContent()).toContain(`Register ${RUN} on Local devnet (anvil) with your share at 25%?`);
    await shootBothThemes(page, 'factory-register-confirm', { target: dialog.locator('.dialog-panel') });
    await confirm.getByTestId('register-confirm-send').click();
    const result = dialog.getByTestId('register-result');
    await expect.poll(() => result.getByTestId('registered-badge').textContent(), { timeout: 60_000 }).toBe('Registered on Local devnet (anvil)');
    await dialog.getByTestId('register-done').click();

    // The row says so, with its on-chain ids; the chain holds exactly that.
    const registered = adapterRow().getByTestId('adapter-registered');
    await registered.waitFor();
    expect(await adapterRow().getByTestId('adapter-register').count()).toBe(0);
    expect(await registered.getByTestId('registered-badge').textContent()).toBe('Registered on Local devnet (anvil)');
    const adapterHash = (await registered.getByTestId('registered-adapter-hash').getAttribute('data-value'))!;
    const root = (await registered.getByTestId('registered-root').getAttribute('data-value'))!;
    expect(await registered.getByTestId('registered-tx').getAttribute('data-value')).toMatch(/^0x[0-9a-f]{64}$/);
    const check = await app.call<{ rpcUrl: string; addresses: Record<string, string> }>('ledger.check');
    const provider = providerFor(check.rpcUrl);
    try {
      const registry = new Contract(check.addresses.ModelRegistry!, artifact('ModelRegistry').abi as InterfaceAbi, provider);
      const onChain = (await registry.getFunction('get').staticCall(adapterHash)) as { owner: string; ownerShareBps: bigint; manifestRoot: string; uri: string };
      expect({ owner: onChain.owner, share: onChain.ownerShareBps, root: onChain.manifestRoot, uri: onChain.uri }).toEqual({ owner: address, share: 2500n, root, uri: 'ipfs://sums-factory' });
    } finally {
      provider.destroy();
    }
    await shootBothThemes(page, 'factory-registered', { target: adapterRow() });

    // The manifest, downloaded from the page, is the one whose root is on chain; it verifies.
    const download = page.waitForEvent('download');
    await registered.getByTestId('manifest-export').click();
    const file = path.join(tempDir(), 'manifest.json');
    await (await download).saveAs(file);
    expect((await download).suggestedFilename()).toBe(`${RUN}.training-manifest.json`);
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as TrainingManifest;
    expect(manifest).toMatchObject({ root, adapter: { hash: adapterHash }, datanet: { localId: datanet.id, version: 1 } });
    expect(manifest.entries.map((e) => [e.recordId, e.contributor])).toEqual([[recordId, address]]);
    await registered.getByTestId('manifest-verify-open').click();
    const verify = page.getByTestId('manifest-verify-dialog');
    await verify.getByTestId('manifest-file').setInputFiles(file);
    await expect.poll(() => verify.getByTestId('manifest-text').inputValue()).toContain(root);
    await verify.getByTestId('manifest-verify').click();
    const checks = verify.getByTestId('manifest-verify-result');
    await expect.poll(() => checks.getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
    const held = await checks.locator('[data-testid="manifest-check"][data-ok="true"]').all();
    expect(await Promise.all(held.map((c) => c.getAttribute('data-name')))).toEqual(expect.arrayContaining(['merkle root', 'proofs', 'adapter files', 'registered', 'manifest root']));
    await shootBothThemes(page, 'factory-manifest-verified', { target: verify.locator('.dialog-panel') });
    // Altered, it fails: the weights no longer add up to the root on chain.
    const altered = structuredClone(manifest);
    altered.entries[0]!.tokens += 1;
    await verify.getByTestId('manifest-text').fill(JSON.stringify(altered));
    await verify.getByTestId('manifest-verify').click();
    await expect.poll(() => checks.getAttribute('data-ok'), { timeout: 30_000 }).toBe('false');
    expect(await checks.locator('[data-testid="manifest-check"][data-name="merkle root"]').getAttribute('data-ok')).toBe('false');
    await page.keyboard.press('Escape');

    // Chat with it: the row's Try link opens the playground with the adapter; the answer streams.
    const deltas: string[] = [];
    const off = app.backend.events.subscribe((name, payload) => {
      if (name === 'inference.delta') deltas.push((payload as { text: string }).text);
    });
    await adapterRow().getByRole('link', { name: `Try ${RUN} in the playground` }).click();
    await page.getByTestId('playground').waitFor();
    await expect.poll(() => page.getByTestId('pg-adapter').inputValue()).toBe(RUN);
    await page.getByTestId('sampling').locator('summary').click();
    await page.getByTestId('sampling-temperature').fill('0');
    await page.getByTestId('sampling-maxTokens').fill('12');
    await page.getByTestId('pg-composer').fill('What is 3 plus one?');
    await page.getByTestId('pg-composer').press('Enter');
    const answer = page.getByTestId('pg-message-assistant').first();
    await expect.poll(() => answer.getByTestId('pg-message-stats').textContent(), { timeout: 30_000 }).toMatch(/^\d+ tokens · \d+\.\d tokens\/s · /);
    off();
    expect(await answer.locator('.pg-message-who').textContent()).toBe(`tiny-qwen + ${RUN}`);
    const text = (await answer.getByTestId('pg-message-text').textContent()) ?? '';
    expect(text.length).toBeGreaterThan(0);
    // It came in pieces, and the pieces are the answer.
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('').trim()).toBe(text.trim());
    await shootBothThemes(page, 'factory-playground');

    // Export it: a PEFT folder, and a GGUF LoRA for llama.cpp.
    await goTo(page, '#/models');
    await adapterRow().getByTestId('adapter-export-peft').click();
    const peft = page.getByTestId('export-peft-dialog');
    const folder = path.join(tempDir(), 'peft');
    await peft.getByTestId('export-peft-path').fill(folder);
    await peft.getByTestId('export-peft-start').click();
    await expect.poll(() => peft.getByTestId('export-peft-done').textContent()).toContain('adapter_model.safetensors');
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'adapter_config.json'), 'utf8'))).toMatchObject({ r: 4, peft_type: 'LORA' });
    // The exported weights are the registered adapter's: the manifest checks them against these files.
    const exported = await app.call<{ ok: boolean; checks: { name: string; ok: boolean }[] }>('models.verifyManifest', { manifest: JSON.stringify(manifest), adapter: RUN });
    expect(exported.ok).toBe(true);
    await shootBothThemes(page, 'factory-export-peft', { target: peft.locator('.dialog-panel') });
    await page.keyboard.press('Escape');

    await adapterRow().getByTestId('adapter-export-gguf').click();
    const gguf = page.getByTestId('gguf-dialog');
    await gguf.getByTestId('gguf-type-f16').check();
    const ggufFile = path.join(tempDir(), `${RUN}.gguf`);
    await gguf.getByTestId('gguf-path').fill(ggufFile);
    await gguf.getByTestId('gguf-start').click();
    await expect.poll(() => gguf.getByTestId('gguf-job').getAttribute('data-state'), { timeout: 60_000 }).toBe('succeeded');
    const head = Buffer.alloc(4);
    const fd = fs.openSync(ggufFile, 'r');
    fs.readSync(fd, head, 0, 4, 0);
    fs.closeSync(fd);
    expect(head.toString('latin1')).toBe('GGUF');
    const jobs = await app.call<Job[]>('jobs.list', { limit: 50 });
    expect(jobs.find((j) => j.kind === 'models.exportGguf')).toMatchObject({ state: 'succeeded', result: ggufFile });
    await shootBothThemes(page, 'factory-export-gguf', { target: gguf.locator('.dialog-panel') });
    await page.keyboard.press('Escape');
  }, 420_000);

  it('shows a run started elsewhere (the API, as the command line does) in a fresh browser, with its curve from the checkpoint, and resumes it', async () => {
    const input = { model: 'tiny-qwen', datanet: datanet.id, out: 'elsewhere', steps: 400, rank: 2, batch: 2, maxLen: 64, lr: 0.01, evalEvery: 20, checkpointEvery: 10 };
    const job = await app.call<Job>('training.start', input);
    await new Promise<void>((resolve) => {
      const off = app.backend.events.subscribe((name, payload) => {
        const j = payload as Job;
        if (name === 'job.updated' && j.id === job.id && j.progress.done >= 45) {
          off();
          app.backend.jobs.cancel(job.id);
          resolve();
        }
      });
    });
    expect((await app.backend.jobs.settled(job.id)).state).toBe('cancelled');

    // Another browser profile: nothing of this run in its storage; the page has it from training.runs.
    const { context, page: fresh } = await openApp(browser, app, { viewport: { width: 1280, height: 1000 }, problems, hash: '#/train' });
    try {
      const run = fresh.getByTestId('live-run');
      await expect.poll(() => run.getAttribute('data-run')).toBe('elsewhere');
      expect(await run.getAttribute('data-state')).toBe('cancelled');
      expect(await fresh.evaluate("localStorage.getItem('studio.train.runs.v1')")).toBeNull();
      // The curve up to the checkpoint the cancel wrote: a point per step, the evals at theirs.
      const listed = (await app.call<TrainingRun[]>('training.runs')).find((r) => r.out === 'elsewhere')!;
      const stopped = listed.checkpoint!.step;
      expect(stopped).toBeGreaterThanOrEqual(45);
      expect(Number(await fresh.getByTestId('loss-chart').getAttribute('data-points'))).toBe(stopped);
      expect(Number(await fresh.getByTestId('loss-chart').getAttribute('data-evals'))).toBe(Math.floor(stopped / 20));
      expect(await fresh.getByTestId('loss-chart-caption').textContent()).toMatch(new RegExp(`^Step ${stopped} of 400: train loss \\d+\\.\\d{4}, eval loss .*, as of its last checkpoint\\.$`));
      expect(await fresh.getByTestId('stat-speed').textContent()).toBe('—');
      const row = fresh.locator('[data-testid="history-row"][data-run="elsewhere"]');
      expect(await row.getAttribute('data-state')).toBe('cancelled');
      expect(await row.locator('td').nth(5).textContent()).toMatch(/^\d+ \/ 400$/);
      await shootBothThemes(fresh, 'factory-run-elsewhere', { target: fresh.getByTestId('train-run-section') });

      const progress: number[] = [];
      const off = app.backend.events.subscribe((name, payload) => {
        const j = payload as Job;
        if (name === 'job.updated' && j.kind === 'training' && j.progress.done > 0) progress.push(j.progress.done);
      });
      await fresh.getByTestId('train-resume').click();
      await expect.poll(() => run.getAttribute('data-state'), { timeout: 60_000 }).toBe('succeeded');
      off();
      // From the checkpoint on, not from the start; the curve kept the steps before it.
      expect(Math.min(...progress)).toBeGreaterThanOrEqual(stopped);
      expect(Number(await fresh.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(stopped);
      expect(await fresh.getByTestId('live-run-outcome').textContent()).toMatch(/^adapter elsewhere: 400 steps/);
      await expect.poll(() => row.getAttribute('data-state')).toBe('succeeded');
    } finally {
      await context.close();
    }
  }, 120_000);
});
