/**
 * The Train page in Chromium against the served app: a tiny model trained on a datanet version
 * with the live chart growing, cancelled, the page reloaded, resumed from its checkpoint to the
 * end, an OS notification when it ends; the time estimate then measured; two runs compared; a
 * window opened mid-run drawing the whole curve.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import type { Adapter } from '../../shared/api/schemas/models';
import type { TrainingRun } from '../../shared/api/schemas/training';
import { checkSmallWindow, openApp, shootBothThemes, shootChecked, startBrowserApp } from '../fixtures/app-page';
import { installTinyModel, seedSumsDatanet, SUM_PAIRS } from '../fixtures/model-factory';
import type { ServedApp } from '../fixtures/served-app';

let app: ServedApp;
let browser: Browser;
let datanet: Datanet;
// One browser profile for the file, as a user has: the runs this app started live in its storage.
let page: Page;
let closePage: () => Promise<void>;
const problems: string[] = [];

// Notifications as the page makes them, recorded instead of shown (headless Chromium has no OS to show them).
const NOTIFICATION_STUB = `
  window.__notes = [];
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { window.__notes.push(title + ': ' + (options && options.body)); }
  };`;

async function open(): Promise<{ page: Page; close: () => Promise<void> }> {
  const { context, page } = await openApp(browser, app, { viewport: { width: 1280, height: 1000 }, problems });
  await context.addInitScript(NOTIFICATION_STUB);
  await page.reload();
  await page.getByTestId('nav-train').click();
  await page.getByTestId('train-form').waitFor();
  return { page, close: () => context.close() };
}

const points = async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'));

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  datanet = await seedSumsDatanet(app);
  await installTinyModel(app, 'tiny-qwen', { architecture: 'qwen2', seed: 3 });
  // A second base model with a longer context (300 tokens; tiny-qwen's is 64), listed after tiny-qwen.
  await installTinyModel(app, 'tiny-qwen-long', { architecture: 'qwen2', seed: 3, maxPositions: 300 });
  ({ page, close: closePage } = await open());
});

afterAll(async () => {
  await closePage();
  await browser.close();
  await app.close();
  expect(problems).toEqual([]);
});

describe('the Train page', () => {
  it("fits a preset's max length to the base model's context, again when the model changes, and names a typed one past it", async () => {
    const summary = page.getByTestId('preset-summary');
    const note = page.getByTestId('preset-context-note');
    expect(await page.getByTestId('train-model').inputValue()).toBe('tiny-qwen');
    // The quick preset's 256 tokens are more than the tiny model's context (64): it fills in 64, and says why.
    expect(await summary.textContent()).toContain('up to 64 tokens per example');
    expect(await note.textContent()).toBe("Max length 64: the context of tiny-qwen, which is shorter than the Quick preset's 256 tokens.");
    await page.getByTestId('preset-standard').check();
    expect(await summary.textContent()).toContain('up to 64 tokens per example');
    expect(await note.textContent()).toBe("Max length 64: the context of tiny-qwen, which is shorter than the Standard preset's 512 tokens.");
    // Another model, cut again: to its 300 tokens, and not at all where the preset fits.
    await page.getByTestId('train-model').selectOption('tiny-qwen-long');
    expect(await summary.textContent()).toContain('up to 300 tokens per example');
    expect(await note.textContent()).toBe("Max length 300: the context of tiny-qwen-long, which is shorter than the Standard preset's 512 tokens.");
    await page.getByTestId('preset-quick').check();
    expect(await summary.textContent()).toContain('up to 256 tokens per example');
    expect(await note.count()).toBe(0);
    await page.getByTestId('train-model').selectOption('tiny-qwen');
    expect(await summary.textContent()).toContain('up to 64 tokens per example');

    // Custom starts from the cut value; a longer one typed by hand is kept as typed, with a note beside it.
    await page.getByTestId('preset-custom').check();
    const maxLen = page.getByTestId('hyper-maxLen');
    expect(await maxLen.inputValue()).toBe('64');
    expect(await page.getByTestId('hyper-maxLen-note').count()).toBe(0);
    await maxLen.fill('300');
    const typedNote = page.getByTestId('hyper-maxLen-note');
    expect(await typedNote.textContent()).toBe('This is more than the context of tiny-qwen (64 tokens): the run cuts examples to 64 tokens.');
    expect(await maxLen.getAttribute('aria-describedby')).toContain(await typedNote.getAttribute('id'));
    expect(await maxLen.inputValue()).toBe('300');
    // The backend takes it (and cuts examples to the context): Start stays enabled.
    expect(await page.getByTestId('train-start').isDisabled()).toBe(false);
    await shootChecked(page, 'train-form-context-light', { target: page.getByTestId('hyperparameters') });
    await page.getByTestId('preset-quick').check();
  });

  it('trains with a live chart, cancels, resumes after a reload from its checkpoint, and notifies at the end', async () => {
    expect(await page.getByTestId('train-datanet').inputValue()).toBe(datanet.id);
    expect(await page.getByTestId('train-field').inputValue()).toBe('pair');
    expect(await page.getByTestId('estimate-time').textContent()).toMatch(/measured after the first steps/);
    expect(await page.getByTestId('estimate-memory').textContent()).toMatch(/^about \d+(\.\d)? (KB|MB)$/);
    expect(await page.getByTestId('preset-summary').textContent()).toContain('up to 64 tokens per example');
    await shootBothThemes(page, 'train-form');
    await checkSmallWindow(page, 'train-form');

    await page.getByTestId('preset-custom').check();
    const set = async (key: string, value: number) => page.getByTestId(`hyper-${key}`).fill(String(value));
    // Out of range: named beside the field, and Start waits for a valid value.
    await set('rank', 999);
    await expect.poll(() => page.getByTestId('hyperparameters').textContent()).toContain('Rank must be between 1 and 256.');
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    // Enough steps that Cancel lands mid-run on any machine (a few hundred ms of steps at most before it).
    await set('rank', 4);
    await set('steps', 3000);
    await set('batch', 2);
    await set('maxLen', 64);
    await set('lr', 0.01);
    await set('evalEvery', 100);
    await set('checkpointEvery', 25);
    // A name the backend would refuse: said beside the field, which is marked invalid, and Start waits.
    for (const name of ['bad/name..', '']) {
      await page.getByTestId('train-out').fill(name);
      expect(await page.getByTestId('train-out-problem').textContent()).toMatch(/letters, digits, “\.”, “_” or “-”, starting with a letter or digit\.$/);
      expect(await page.getByTestId('train-out').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    }
    await page.getByTestId('train-out').fill('sums-long');
    expect(await page.getByTestId('train-out').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByTestId('train-out-problem').count()).toBe(0);
    await shootChecked(page, 'train-form-custom-light');
    await page.getByTestId('train-start').click();

    const run = page.getByTestId('live-run');
    await expect.poll(() => run.getAttribute('data-state')).toBe('running');
    // The chart grows as progress arrives.
    await expect.poll(() => points(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const early = await points();
    await expect.poll(() => points(), { timeout: 30_000 }).toBeGreaterThan(early);
    expect(await page.getByTestId('stat-loss').textContent()).toMatch(/^\d+\.\d{4}$/);
    expect(await page.getByTestId('loss-chart-caption').textContent()).toMatch(/^Step \d+ of 3,000: train loss \d+\.\d{4}.*tokens\/s\.$/);
    await shootBothThemes(page, 'train-live-chart', { target: page.getByTestId('train-run-section') });

    await page.getByTestId('train-cancel').click();
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    const stoppedAt = Number((await page.getByTestId('stat-step').textContent())!.split(' / ')[0]!.replace(/,/g, ''));
    expect(stoppedAt).toBeGreaterThan(25);
    expect(stoppedAt).toBeLessThan(3000);
    // Started on the latest version, it is named by the version it read, as a finished run is.
    const historyData = () => page.locator('[data-testid="history-row"][data-run="sums-long"] td').nth(2).textContent();
    await expect.poll(historyData).toBe('Sums · v1');
    await expect.poll(() => page.evaluate('window.__notes')).toEqual([expect.stringMatching(/^Training of sums-long cancelled: Stopped at step \d+/)]);

    // A reload (the window closed and opened again) keeps the run, its curve and its Resume. The curve
    // is first this window's live points; the checkpoint's history (every step) joins them once the
    // page has read the run folder again after the cancel: wait for it, or the count is of the moment.
    const history = (await app.call<TrainingRun[]>('training.runs')).find((r) => r.out === 'sums-long')!.losses.length;
    await expect.poll(() => points()).toBeGreaterThanOrEqual(history);
    const before = await points();
    await page.reload();
    await page.getByTestId('nav-train').click();
    await expect.poll(() => run.getAttribute('data-state')).toBe('cancelled');
    expect(await points()).toBe(before);
    await shootChecked(page, 'train-cancelled-light', { target: page.getByTestId('train-run-section') });

    const resumedFrom: number[] = [];
    const off = app.backend.events.subscribe((name, payload) => {
      const job = payload as Job;
      if (name === 'job.updated' && job.kind === 'training' && job.progress.done > 0) resumedFrom.push(job.progress.done);
    });
    await page.getByTestId('train-resume').click();
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 60_000 }).toBe('succeeded');
    off();
    // It went on from a checkpoint (every 25 steps), not from the start.
    expect(Math.min(...resumedFrom)).toBeGreaterThanOrEqual(25);
    expect(await page.getByTestId('live-run-outcome').textContent()).toMatch(/^adapter sums-long: 3000 steps, 11 examples, eval loss \d/);
    // (The reload started the page's record of notifications afresh.)
    await expect.poll(() => page.evaluate('window.__notes')).toEqual([expect.stringMatching(/^Training of sums-long finished: adapter sums-long: 3000 steps/)]);
    const adapter = (await app.call<Adapter[]>('adapters.list')).find((a) => a.name === 'sums-long');
    expect(adapter?.lineage).toMatchObject({ version: 1, examples: 11, hyperparameters: { steps: 3000, rank: 4, batch: 2, maxLen: 64 } });
    await shootBothThemes(page, 'train-finished', { target: page.getByTestId('train-run-section') });
    expect(await historyData()).toBe('Sums · v1');
  }, 180_000);

  it('estimates the time from the measured run, and compares two runs side by side', async () => {
    await page.getByTestId('preset-quick').check();
    expect(await page.getByTestId('train-out').inputValue()).toBe('sums-v1-quick');
    expect(await page.getByTestId('estimate-time').textContent()).toMatch(/^about \d+ (s|min)$/);
    expect(await page.getByTestId('estimate').textContent()).toContain('from run sums-long');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('live-run').getAttribute('data-run')).toBe('sums-v1-quick');
    await expect.poll(() => page.getByTestId('live-run').getAttribute('data-state'), { timeout: 60_000 }).toBe('succeeded');

    const history = page.getByTestId('run-history');
    await expect.poll(() => history.getByTestId('history-row').count()).toBe(2);
    const pick = (run: string) => history.locator(`[data-testid="history-row"][data-run="${run}"]`).getByTestId('history-pick').check();
    await pick('sums-long');
    await pick('sums-v1-quick');
    const compare = page.getByTestId('run-compare');
    const row = (key: string) => compare.locator(`[data-testid="compare-row"][data-key="${key}"]`);
    expect(await row('steps').locator('td').allTextContents()).toEqual(['3000', '60']);
    expect(await row('rank').locator('td').allTextContents()).toEqual(['4', '8']);
    expect(await row('rank').getAttribute('data-differs')).toBe('true');
    // Only differences by default: the same model is not listed until asked for.
    expect(await row('model').count()).toBe(0);
    await compare.getByTestId('compare-only-differences').uncheck();
    expect(await row('model').locator('td').allTextContents()).toEqual(['tiny-qwen', 'tiny-qwen']);
    expect(await row('trainLoss').count()).toBe(1);
    await compare.getByTestId('compare-only-differences').check();
    await shootBothThemes(page, 'train-compare', { target: compare });

    // The name of an installed adapter: the backend's refusal is said beside Adapter name, and names no CLI flag.
    await page.getByTestId('train-out').fill('sums-v1-quick');
    await page.getByTestId('train-start').click();
    await expect
      .poll(() => page.getByTestId('train-out-problem').textContent())
      .toBe('An adapter named sums-v1-quick is installed already: choose another name, or remove that adapter on the Models page (studio adapter remove sums-v1-quick).');
    expect(await page.getByTestId('train-out').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('train-start-error').count()).toBe(0);
    // Another name is not refused (yet).
    await page.getByTestId('train-out').fill('sums-v1-quick-again');
    expect(await page.getByTestId('train-out-problem').count()).toBe(0);
    expect(await page.getByTestId('train-out').getAttribute('aria-invalid')).toBeNull();
  }, 120_000);

  it("draws the whole curve in a window opened mid-run: the checkpoint's history, then the live points", async () => {
    const job = await app.call<Job>('training.start', { model: 'tiny-qwen', datanet: datanet.id, out: 'sums-watched', steps: 3000, rank: 4, batch: 2, maxLen: 64, lr: 0.01, evalEvery: 100, checkpointEvery: 25 });
    const progress = async () => (await app.call<Job[]>('jobs.list', { limit: 50 })).find((j) => j.id === job.id)!;
    // Two checkpoints behind it before a window (a fresh profile, with no record of the run) opens.
    await expect.poll(async () => (await progress()).progress.done, { timeout: 30_000 }).toBeGreaterThan(60);
    const fresh = await open();
    try {
      await expect.poll(() => fresh.page.getByTestId('live-run').getAttribute('data-run')).toBe('sums-watched');
      // Live points have come (the caption gives their speed): the steps before them are drawn too.
      await expect.poll(() => fresh.page.getByTestId('loss-chart-caption').textContent(), { timeout: 30_000 }).toMatch(/tokens\/s\.$/);
      expect(Number(await fresh.page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(50);
    } finally {
      await app.call('jobs.cancel', { id: job.id });
      await expect.poll(async () => (await progress()).state, { timeout: 30_000 }).not.toBe('running');
      await fresh.close();
    }
  }, 90_000);
  it('counts the examples the run will have: the records labeled in the field, not every record of the version', async () => {
    // Three pairs and two plain notes with no pair: five records, three examples.
    const mixed = await app.call<Datanet>('datanets.create', { name: 'Mixed', license: 'MIT', schema: { fields: [{ kind: 'instruction_pair', name: 'pair' }] } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-mixed-'));
    fs.writeFileSync(path.join(dir, 'pairs.jsonl'), SUM_PAIRS.slice(0, 3).map((p) => JSON.stringify(p)).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'note-a.txt'), 'A note with no answer.');
    fs.writeFileSync(path.join(dir, 'note-b.txt'), 'Another note.');
    const imported = await app.call<{ job: Job }>('imports.start', { datanet: mixed.id, paths: [dir] });
    expect((await app.backend.jobs.settled(imported.job.id)).state).toBe('succeeded');
    const frozen = await app.call<Job>('versions.create', { datanet: mixed.id });
    expect((await app.backend.jobs.settled(frozen.id)).state).toBe('succeeded');
    fs.rmSync(dir, { recursive: true, force: true });
    expect(await app.call('training.examples', { datanet: mixed.id })).toMatchObject({ read: 5, examples: 3, unlabeled: 2 });

    await page.reload();
    await page.getByTestId('train-datanet').selectOption(mixed.id);
    const passes = page.getByTestId('estimate-passes');
    await expect.poll(() => passes.textContent()).toMatch(/passes over \d+ training examples?/);
    const [, trained, held] = /passes over (\d+) training examples?(?: \((\d+) more held out)?/.exec((await passes.textContent()) ?? '')!;
    expect(Number(trained) + Number(held ?? 0)).toBe(3);
  }, 60_000);
});
