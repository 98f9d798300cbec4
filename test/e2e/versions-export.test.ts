// The dataset view's Versions and Export dialogs in Chromium against a real server: freeze a
// version, see it in the backend, compare two, export JSONL and a Hugging Face folder, and the
// backend's own errors for paths it cannot write; screenshots light and dark, axe-core.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api/schemas/jobs';
import type { Datanet, Version, VersionDiff } from '../../shared/api/schemas/datanets';
import { checkSmallWindow, openApp, shootBothThemes, SMALL_WINDOW, startBrowserApp } from '../fixtures/app-page';
import { screenshotPath } from '../fixtures/browser';
import type { ServedApp } from '../fixtures/served-app';
import { tempDir } from '../fixtures/temp-dir';

const N = 6;
let app: ServedApp;
let browser: Browser;
let datanet: Datanet;
/** The items, in arrival order. */
const items: string[] = [];
const problems: string[] = [];

/** N support tickets, none labeled. */
function seed(): void {
  const s = app.backend.datanets;
  datanet = s.datanets.create({
    name: 'Tickets',
    description: 'Support tickets for triage.',
    license: 'CC-BY-4.0',
    schema: { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative'] }] },
  });
  for (let i = 0; i < N; i++) {
    items.push(s.items.insert(datanet.id, { content: { text: `Ticket ${i}: the app ${i % 2 ? 'crashed' : 'works'}`, fields: {}, image: null }, source: null, importId: null }).id);
  }
}

const versions = () => app.call<Version[]>('versions.list', { datanet: datanet.id });

const openView = () => openApp(browser, app, { hash: `#/datanets/${datanet.id}`, problems, readyTestId: 'nav-datanets' });

async function openDialog(page: Page, button: 'versions' | 'export'): Promise<Locator> {
  await page.getByTestId('dataset-title').waitFor();
  await page.getByTestId(`dataset-${button}`).click();
  const dialog = page.getByTestId(`${button}-dialog`);
  await dialog.locator('.dialog-panel').waitFor();
  return dialog;
}

/** The last export job the backend ran, as it ended. */
async function lastExportJob(): Promise<Job> {
  const jobs = await app.call<Job[]>('jobs.list', { limit: 20 });
  const job = jobs.find((j) => j.kind === 'datanet.export');
  if (!job) throw new Error('no export job');
  return job;
}

/**
 * Holds the next job of `kind` at its start until the returned function is called: a job over six
 * items ends in milliseconds, before a dialog could be closed and opened again while it runs.
 */
function holdNextJob(kind: string): () => void {
  const jobs = app.backend.jobs;
  const start = jobs.start.bind(jobs);
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  jobs.start = (spec, body) => {
    if (spec.kind !== kind) return start(spec, body);
    jobs.start = start;
    return start(spec, async (control) => {
      control.progress({ done: 0 });
      await held;
      return body(control);
    });
  };
  return release;
}

/** Closes a dialog with Escape and waits until it is gone. */
async function closeDialog(page: Page, dialog: Locator): Promise<void> {
  await page.keyboard.press('Escape');
  await expect.poll(() => dialog.locator('.dialog-panel').count()).toBe(0);
}

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  seed();
});

afterAll(async () => {
  await browser.close();
  await app.close();
  expect(problems).toEqual([]);
});

describe('the Versions dialog', { timeout: 120_000 }, () => {
  it('freezes versions the backend keeps, starts one per double click, warns when nothing changed, and compares two', async () => {
    // Labeled before the first version, relabeled before the second: the comparison shows from what to what.
    await app.call('annotations.set', { item: items[2], field: 'sentiment', value: 'positive' });
    const { context, page } = await openView();
    // The header's buttons, wide and in a small window (where they wrap under the counts).
    await page.getByTestId('dataset-title').waitFor();
    await page.locator('.dv-header').screenshot({ path: screenshotPath('versions-header') });
    await page.setViewportSize(SMALL_WINDOW);
    await page.locator('.dv-header').screenshot({ path: screenshotPath('versions-header-small') });
    await page.setViewportSize({ width: 1280, height: 800 });
    const dialog = await openDialog(page, 'versions');
    await dialog.getByTestId('version-list-empty').waitFor();
    await shootBothThemes(page, 'versions-dialog-empty', { target: dialog, within: '[data-testid="versions-dialog"]' });

    // The note field has focus when the dialog opens; Enter submits.
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('version-note');
    await page.keyboard.type('first import');
    await page.keyboard.press('Enter');
    const frozen = dialog.getByTestId('version-frozen');
    await expect.poll(() => frozen.getAttribute('data-number')).toBe('1');
    let list = await versions();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ number: 1, recordCount: N, note: 'first import' });
    expect(await dialog.getByTestId('version-frozen-root').getAttribute('data-root')).toBe(list[0]!.root);
    expect(await frozen.textContent()).toContain(`Version 1 frozen: ${N} records`);
    // The list and the page's header follow.
    await expect.poll(() => dialog.getByTestId('version-row').count()).toBe(1);
    expect(await dialog.getByTestId('version-root-1').getAttribute('data-root')).toBe(list[0]!.root);
    await expect.poll(() => page.getByTestId('dataset-counts').textContent()).toContain('version 1');
    // Nothing changed since: said before a second press, which would repeat the version.
    await expect.poll(() => dialog.getByTestId('version-unchanged').textContent()).toBe('Nothing changed since version 1 was frozen: a new version would hold the same records.');
    expect(await dialog.getByTestId('version-freeze').textContent()).toBe('Freeze anyway');

    // One label later (made elsewhere, the dialog opened again), a double click on Freeze makes one version, not two.
    await app.call('annotations.set', { item: items[2], field: 'sentiment', value: 'negative' });
    await page.keyboard.press('Escape');
    await openDialog(page, 'versions');
    await dialog.getByTestId('version-row').first().waitFor();
    expect(await dialog.getByTestId('version-unchanged').count()).toBe(0);
    expect(await dialog.getByTestId('version-freeze').textContent()).toBe('Freeze version');
    await dialog.getByTestId('version-note').fill('labeled one');
    await dialog.getByTestId('version-freeze').dblclick();
    await expect.poll(() => frozen.getAttribute('data-number')).toBe('2');
    list = await versions();
    expect(list.map((v) => v.number)).toEqual([1, 2]);
    expect(list[1]!.root).not.toBe(list[0]!.root);
    expect(await dialog.getByTestId('version-same').count()).toBe(0);

    // Compare v1 → v2 (the defaults are the two newest; picked anyway), submitted with Ctrl+Enter from a select.
    await dialog.getByTestId('version-compare-from').selectOption('1');
    await dialog.getByTestId('version-compare-to').selectOption('2');
    await dialog.getByTestId('version-compare-to').focus();
    await page.keyboard.press('Control+Enter');
    const diffView = dialog.getByTestId('version-diff');
    await diffView.waitFor();
    const backendDiff = await app.call<VersionDiff>('versions.diff', { datanet: datanet.id, from: 1, to: 2 });
    expect(backendDiff.counts).toEqual({ added: 0, removed: 0, changed: 1 });
    expect(await diffView.getAttribute('data-changed')).toBe('1');
    expect(await diffView.getAttribute('data-added')).toBe('0');
    expect(await diffView.getAttribute('data-removed')).toBe('0');
    expect(await diffView.locator('.versions-diff-summary').textContent()).toBe('v1 → v2: 0 added, 0 removed, 1 changed.');
    const changedLink = dialog.getByTestId('version-diff-changed').getByTestId('version-diff-item');
    expect(await changedLink.count()).toBe(1);
    expect(await changedLink.textContent()).toBe(items[2]);
    expect(await changedLink.getAttribute('href')).toBe(`#/annotate/${datanet.id}/${items[2]}`);
    // Beside the id: the item's text and the label that changed, from what to what.
    const changedRecord = dialog.getByTestId('version-diff-changed').getByTestId('version-diff-record');
    expect(await changedRecord.getByTestId('version-diff-text').textContent()).toBe('Ticket 2: the app works');
    expect(await changedRecord.getByTestId('version-diff-change').allTextContents()).toEqual(['sentiment: positive → negative']);
    expect(backendDiff.details[items[2]!]).toEqual({ text: 'Ticket 2: the app works', truncated: false, changes: [{ field: 'sentiment', before: 'positive', after: 'negative' }] });

    // Nothing changed since v2: the form says so; frozen anyway, v3 is made, with a warning that it holds the same records.
    await expect.poll(() => dialog.getByTestId('version-unchanged').textContent()).toContain('Nothing changed since version 2 was frozen');
    await dialog.getByTestId('version-note').fill('');
    await dialog.getByTestId('version-freeze').click();
    await expect.poll(() => frozen.getAttribute('data-number')).toBe('3');
    expect(await dialog.getByTestId('version-same').textContent()).toContain('Same records as version 2');
    list = await versions();
    expect(list.map((v) => v.number)).toEqual([1, 2, 3]);
    expect(list[2]!.root).toBe(list[1]!.root);
    await expect.poll(() => dialog.getByTestId('version-row').count()).toBe(3);
    // Newest first.
    expect(await dialog.getByTestId('version-row').first().getAttribute('data-number')).toBe('3');

    await shootBothThemes(page, 'versions-dialog', { target: dialog, within: '[data-testid="versions-dialog"]' });
    // The comparison is below the fold of the dialog's body, which scrolls.
    await page.evaluate(`(() => { const body = document.querySelector('[data-testid="versions-dialog"] .dialog-body'); body.scrollTop = body.scrollHeight; })()`);
    await shootBothThemes(page, 'versions-dialog-compare', { target: dialog, within: '[data-testid="versions-dialog"]' });
    await checkSmallWindow(page, 'versions-dialog');

    // Escape closes it; the item link opens the annotate view.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.locator('.dialog-panel').count()).toBe(0);
    const reopened = await openDialog(page, 'versions');
    // Opened again, it compares the two newest (v2 → v3, the same records) until told otherwise.
    await reopened.getByTestId('version-compare').click();
    expect(await reopened.locator('.versions-diff-summary').textContent()).toBe('v2 → v3: the same records.');
    await reopened.getByTestId('version-compare-from').selectOption('1');
    await reopened.getByTestId('version-compare').click();
    await reopened.getByTestId('version-diff-item').first().click();
    await expect.poll(() => page.evaluate('location.hash')).toBe(`#/annotate/${datanet.id}/${items[2]}`);
    await context.close();
  });

  it('closed while a version is being frozen and opened again, shows that job with Freeze off, then the version it made', async () => {
    const before = (await versions()).length;
    const release = holdNextJob('datanet.version');
    const { context, page } = await openView();
    let dialog = await openDialog(page, 'versions');
    await dialog.getByTestId('version-note').fill('held');
    await dialog.getByTestId('version-freeze').click();
    await expect.poll(() => dialog.getByTestId('version-freeze-job').getAttribute('data-state')).toBe('running');
    await closeDialog(page, dialog);
    // The status bar still shows it running.
    await expect.poll(() => page.getByTestId('status-jobs').textContent()).toContain('Version of Tickets');

    dialog = await openDialog(page, 'versions');
    const job = dialog.getByTestId('version-freeze-job');
    await expect.poll(() => job.getAttribute('data-state')).toBe('running');
    expect(await dialog.getByRole('progressbar').count()).toBe(1);
    expect(await dialog.getByTestId('version-freeze').isDisabled()).toBe(true);
    expect(await dialog.getByTestId('version-freeze').textContent()).toBe('Freezing…');
    expect(await dialog.getByTestId('version-note').isDisabled()).toBe(true);
    await shootBothThemes(page, 'versions-dialog-reopened-running', { target: dialog, within: '[data-testid="versions-dialog"]' });

    release();
    const frozen = dialog.getByTestId('version-frozen');
    await expect.poll(() => frozen.getAttribute('data-number')).toBe(String(before + 1));
    expect(await dialog.getByTestId('version-freeze').isDisabled()).toBe(false);
    // One version was made, not two.
    const list = await versions();
    expect(list).toHaveLength(before + 1);
    expect(list.at(-1)).toMatchObject({ number: before + 1, note: 'held' });
    await context.close();
  });
});

describe('the Export dialog', { timeout: 120_000 }, () => {
  it('exports JSONL and a Hugging Face folder the backend wrote, and shows the backend’s errors for paths it cannot write', async () => {
    const out = tempDir('studio-export-e2e-');
    const { context, page } = await openView();
    const dialog = await openDialog(page, 'export');
    await shootBothThemes(page, 'export-dialog', { target: dialog, within: '[data-testid="export-dialog"]' });

    // JSONL, the default format; the path field has focus, Enter starts.
    const jsonl = path.join(out, 'nested', 'tickets.jsonl');
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('export-path');
    await page.keyboard.type(jsonl);
    await page.keyboard.press('Enter');
    const job = dialog.getByTestId('export-job');
    await expect.poll(() => job.getAttribute('data-state')).toBe('succeeded');
    expect(await dialog.getByTestId('export-done').textContent()).toContain(jsonl);
    const rows = fs
      .readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; text: string; labels: Record<string, unknown> });
    expect(rows.map((r) => r.id).sort()).toEqual([...items].sort());
    expect(rows.find((r) => r.id === items[2])?.labels).toEqual({ sentiment: 'negative' });
    expect(rows.filter((r) => Object.keys(r.labels).length > 0)).toHaveLength(1);

    // A Hugging Face folder with a test split, started with Ctrl+Enter from the format's radio.
    const hf = path.join(out, 'tickets-hf');
    await dialog.getByTestId('export-format-hf').check();
    // The JSONL export's outcome goes once the choices change: it was about them.
    await expect.poll(() => dialog.getByTestId('export-done').count()).toBe(0);
    await dialog.getByTestId('export-path').fill(hf);
    await dialog.getByTestId('export-test-percent').fill('50');
    await shootBothThemes(page, 'export-dialog-hf', { target: dialog, within: '[data-testid="export-dialog"]' });
    await dialog.getByTestId('export-format-hf').focus();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => dialog.getByTestId('export-done').textContent()).toContain(hf);
    expect(fs.existsSync(path.join(hf, 'README.md'))).toBe(true);
    expect(fs.readFileSync(path.join(hf, 'README.md'), 'utf8')).toContain('Tickets');
    const split = (name: string) =>
      fs.existsSync(path.join(hf, 'data', name))
        ? fs
            .readFileSync(path.join(hf, 'data', name), 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { id: string; sentiment: unknown })
        : [];
    const train = split('train.jsonl');
    const test = split('test.jsonl');
    expect(fs.existsSync(path.join(hf, 'data', 'train.jsonl'))).toBe(true);
    expect([...train, ...test].map((r) => r.id).sort()).toEqual([...items].sort());
    expect([...train, ...test].find((r) => r.id === items[2])?.sentiment).toBe('negative');
    expect((await lastExportJob()).state).toBe('succeeded');

    // A folder where a JSONL file must go: refused at the start, the message under the path field.
    await dialog.getByTestId('export-format-jsonl').check();
    await dialog.getByTestId('export-path').fill(out);
    await dialog.getByTestId('export-start').click();
    const refused = await app.backend.router.call('exports.start', { datanet: datanet.id, format: 'jsonl', out });
    expect(refused.ok).toBe(false);
    const refusal = refused.ok ? '' : refused.error.message;
    // The backend's "out /… is a folder; …" (the input's name first) reads as a sentence beside the field.
    expect(refusal).toBe(`out ${out} is a folder; jsonl export writes a file`);
    await expect.poll(() => dialog.locator('#export-path-error').textContent()).toBe(`${out} is a folder; jsonl export writes a file.`);
    expect(await dialog.getByTestId('export-path').getAttribute('aria-invalid')).toBe('true');

    // Through a file: refused at the start too, naming the file in the way.
    const blocker = path.join(out, 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    await dialog.getByTestId('export-path').fill(path.join(blocker, 'tickets.jsonl'));
    await dialog.getByTestId('export-start').click();
    await expect.poll(() => dialog.locator('#export-path-error').textContent()).toBe(`${path.join(blocker, 'tickets.jsonl')} cannot be made: ${blocker} is a file, not a folder.`);

    // A relative path: the field is named by its label, not by the API's "out".
    await dialog.getByTestId('export-path').fill('exports/tickets.jsonl');
    await dialog.getByTestId('export-start').click();
    await expect
      .poll(() => dialog.locator('#export-path-error').textContent())
      .toBe('The file to write must be a full path (such as /home/me/data, or C:\\data on Windows); a relative path has no folder to start from here.');

    // A folder the file system will not make (Node's recursive mkdir never returned for it, hanging the backend).
    if (process.platform === 'linux') {
      await dialog.getByTestId('export-path').fill('/proc/nope/tickets.jsonl');
      await dialog.getByTestId('export-start').click();
      await expect.poll(() => dialog.locator('#export-path-error').textContent()).toBe('Cannot make the folder /proc/nope: the file system refuses new folders there (ENOENT).');
    }

    // A job that fails while it writes (the disk filling up, which this machine cannot do on
    // demand): the next export job's body throws what Node throws then. Its error, as the backend
    // recorded it, is shown.
    const jobs = app.backend.jobs;
    const start = jobs.start.bind(jobs);
    jobs.start = (spec, body) => {
      if (spec.kind !== 'datanet.export') return start(spec, body);
      jobs.start = start;
      return start(spec, () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
    };
    await dialog.getByTestId('export-path').fill(path.join(out, 'full-disk.jsonl'));
    await dialog.getByTestId('export-start').click();
    await expect.poll(() => job.getAttribute('data-state')).toBe('failed');
    const failed = await lastExportJob();
    expect(failed.state).toBe('failed');
    const message = failed.state === 'failed' ? failed.error : '';
    expect(message).not.toBe('');
    expect(await dialog.getByTestId('export-failed').textContent()).toContain(message);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('not a folder');
    await shootBothThemes(page, 'export-dialog-failed', { target: dialog, within: '[data-testid="export-dialog"]' });

    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.locator('.dialog-panel').count()).toBe(0);
    await context.close();
  });

  it('closed while it exports and opened again, shows that export with Export off, then how it ended, also when it ended while closed', async () => {
    const out = tempDir('studio-export-e2e-');
    const file = path.join(out, 'held.jsonl');
    const exportJobs = async () => (await app.call<Job[]>('jobs.list', { limit: 500 })).filter((j) => j.kind === 'datanet.export').length;
    const exportsBefore = await exportJobs();
    let release = holdNextJob('datanet.export');
    const { context, page } = await openView();
    let dialog = await openDialog(page, 'export');
    await dialog.getByTestId('export-path').fill(file);
    await dialog.getByTestId('export-start').click();
    await expect.poll(() => dialog.getByTestId('export-job').getAttribute('data-state')).toBe('running');
    await closeDialog(page, dialog);
    await expect.poll(() => page.getByTestId('status-jobs').textContent()).toContain('Export Tickets (jsonl)');

    dialog = await openDialog(page, 'export');
    let job = dialog.getByTestId('export-job');
    await expect.poll(() => job.getAttribute('data-state')).toBe('running');
    expect(await dialog.getByRole('progressbar').count()).toBe(1);
    expect(await dialog.getByTestId('export-start').isDisabled()).toBe(true);
    expect(await dialog.getByTestId('export-start').textContent()).toBe('Exporting…');
    expect(await dialog.getByTestId('export-path').isDisabled()).toBe(true);
    // The form's choices are its defaults, not the export's: the job's title names its format, and a sentence says so.
    expect(await job.textContent()).toContain('Export Tickets (jsonl)');
    expect(await dialog.getByTestId('export-found').textContent()).toBe('Started before this dialog was opened; the choices above are for the next export.');
    await shootBothThemes(page, 'export-dialog-reopened-running', { target: dialog, within: '[data-testid="export-dialog"]' });

    release();
    await expect.poll(() => job.getAttribute('data-state')).toBe('succeeded');
    expect(await dialog.getByTestId('export-done').textContent()).toContain(file);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(N);
    await closeDialog(page, dialog);

    // Seen to its end, it is not shown again: the next opening is a fresh form.
    dialog = await openDialog(page, 'export');
    await dialog.getByTestId('export-path').waitFor();
    expect(await dialog.getByTestId('export-job').count()).toBe(0);
    expect(await dialog.getByTestId('export-start').isDisabled()).toBe(true);

    // Closed while it runs, and it ends before the dialog is opened again: it is shown as it ended.
    const second = path.join(out, 'ended-while-closed.jsonl');
    release = holdNextJob('datanet.export');
    await dialog.getByTestId('export-path').fill(second);
    await dialog.getByTestId('export-start').click();
    await expect.poll(() => dialog.getByTestId('export-job').getAttribute('data-state')).toBe('running');
    await closeDialog(page, dialog);
    release();
    await expect.poll(async () => (await lastExportJob()).state).toBe('succeeded');
    dialog = await openDialog(page, 'export');
    job = dialog.getByTestId('export-job');
    await expect.poll(() => job.getAttribute('data-state')).toBe('succeeded');
    expect(await dialog.getByTestId('export-done').textContent()).toContain(second);
    expect(await dialog.getByTestId('export-found').count()).toBe(1);

    // Two exports ran, one per start.
    expect((await exportJobs()) - exportsBefore).toBe(2);
    await context.close();
  });
});
