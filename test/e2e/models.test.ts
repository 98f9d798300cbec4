/**
 * The Models page in Chromium against the served app: import a base model by its path (a bad
 * path's error beside the field), an adapter trained from a datanet version shown with its
 * lineage, PEFT and GGUF export with the files checked on disk, deletion behind a confirmation.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Adapter, LanguageModel } from '../../shared/api/schemas/models';
import { checkSmallWindow, openApp, shootBothThemes, shootChecked } from '../fixtures/app-page';
import { fakeHub } from '../fixtures/fake-hub';
import { seedSumsDatanet, tinyModelFolder, trainAdapter } from '../fixtures/model-factory';
import type { ServedApp } from '../fixtures/served-app';
import { startBrowserApp } from '../fixtures/app-page';
import { tempDir } from '../fixtures/temp-dir';
import { tinyModelFiles } from '../fixtures/tiny-models';

let app: ServedApp;
let browser: Browser;
let datanet: Datanet;
const problems: string[] = [];

const open = () => openApp(browser, app, { viewport: { width: 1280, height: 900 }, hash: '#/models', problems });

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  datanet = await seedSumsDatanet(app);
});

const savedEndpoint = process.env.HF_ENDPOINT;
afterAll(async () => {
  if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT;
  else process.env.HF_ENDPOINT = savedEndpoint;
  await browser.close();
  await app.close();
  expect(problems).toEqual([]);
});

describe('the Models page', () => {
  it('imports a base model folder by its path, after showing why a bad path was refused', async () => {
    const { context, page } = await open();
    await page.getByTestId('models-empty').waitFor();
    await page.getByTestId('adapters-empty').waitFor();
    await shootBothThemes(page, 'models-empty');

    const missing = path.join(tempDir(), 'nowhere');
    await page.getByTestId('model-import-path').fill(missing);
    await page.getByTestId('model-import').click();
    const input = page.getByTestId('model-import-path');
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#model-import-path-error').textContent()).toContain(`${missing} is not a folder`);

    await input.fill(tinyModelFolder('tiny-qwen', { architecture: 'qwen2', seed: 3 }));
    await page.getByTestId('model-import').click();
    await expect.poll(() => page.getByTestId('model-imported').textContent(), { timeout: 20_000 }).toBe('Imported tiny-qwen.');
    const row = page.locator('[data-testid="model-row"][data-name="tiny-qwen"]');
    const installed = (await app.call<LanguageModel[]>('models.list')).find((m) => m.name === 'tiny-qwen')!;
    expect(await row.getByTestId('model-meta').textContent()).toBe(`Qwen2 · 29.4 K parameters · ${(installed.bytes / 1024).toFixed(1)} KB · F32`);
    expect(installed.parameters).toBe(29_408);
    await context.close();
  });

  it('downloads a base model from the hub (a local fake of it): a connection cut three times fails the job, Resume finishes it with a Range request', async () => {
    const files = tinyModelFiles({ architecture: 'llama', seed: 5 }).files;
    const hub = await fakeHub({ repo: 'test-org/tiny-llama', files, lfs: (p) => p.endsWith('.safetensors'), cut: new Map([['model.safetensors', 3]]) });
    process.env.HF_ENDPOINT = hub.url;
    try {
      const { context, page } = await open();
      await page.getByTestId('model-download-repo').fill('test-org/tiny-llama');
      await page.getByTestId('model-download').click();
      const job = page.getByTestId('model-download-job');
      await expect.poll(() => job.getAttribute('data-state'), { timeout: 60_000 }).toBe('failed');
      expect(await job.textContent()).toMatch(/stopped after 3 tries .*it resumes from \d+ bytes/);
      await shootChecked(page, 'models-download-failed-light', { target: page.getByTestId('model-download-form') });
      expect(await page.getByTestId('model-download').textContent()).toBe('Resume download');
      await page.getByTestId('model-download').click();
      await expect.poll(() => job.getAttribute('data-state'), { timeout: 30_000 }).toBe('succeeded');
      await page.locator('[data-testid="model-row"][data-name="tiny-llama"]').waitFor();
      const weights = hub.requests.filter((r) => r.file === 'model.safetensors');
      expect(weights.length).toBe(4);
      expect(weights[3]!.range).toMatch(/^bytes=[1-9]\d*-$/);
      await page.locator('[data-testid="model-row"][data-name="tiny-llama"]').getByTestId('model-remove').click();
      await page.getByTestId('remove-dialog').getByTestId('confirm-action').click();
      await expect.poll(() => page.locator('[data-testid="model-row"][data-name="tiny-llama"]').count()).toBe(0);
      await context.close();
    } finally {
      await hub.close();
    }
  }, 120_000);

  it("shows an adapter trained on a datanet version with its lineage, light and dark", async () => {
    await trainAdapter(app, { model: 'tiny-qwen', datanet: datanet.id, out: 'sums-adapter' });
    const { context, page } = await open();
    const row = page.locator('[data-testid="adapter-row"][data-name="sums-adapter"]');
    await row.waitFor();
    expect(await row.getByTestId('adapter-meta').textContent()).toMatch(/^for tiny-qwen · rank 4, alpha 8 · q_proj, v_proj · /);
    const lineage = row.getByTestId('adapter-lineage');
    expect(await lineage.getByTestId('lineage-datanet').textContent()).toBe('Sums');
    expect(await lineage.getByTestId('lineage-datanet').getAttribute('href')).toBe(`#/datanets/${datanet.id}`);
    expect(await lineage.getByTestId('lineage-version').textContent()).toBe('version 1');
    const adapter = (await app.call<Adapter[]>('adapters.list'))[0]!;
    expect(await lineage.textContent()).toContain(`${adapter.lineage!.examples} training examples`);
    const metrics = await lineage.getByTestId('lineage-metrics').first().textContent();
    expect(metrics).toContain('Steps20');
    expect(metrics).toContain(`Train loss${Number(adapter.lineage!.metrics.trainLoss!.toPrecision(4))}`);
    expect(metrics).toContain('Rank4');
    expect(metrics).toContain('Learning rate0.01');
    await shootBothThemes(page, 'models-with-adapter');
    await checkSmallWindow(page, 'models-with-adapter');
    await context.close();
  });

  it('exports the adapter as a PEFT folder and as a GGUF LoRA with a progress bar', async () => {
    const { context, page } = await open();
    const row = page.locator('[data-testid="adapter-row"][data-name="sums-adapter"]');
    await row.getByTestId('adapter-export-peft').click();
    const peft = page.getByTestId('export-peft-dialog');
    const folder = path.join(tempDir(), 'exported-peft');
    await peft.getByTestId('export-peft-path').fill(folder);
    await peft.getByTestId('export-peft-start').click();
    await expect.poll(() => peft.getByTestId('export-peft-done').textContent()).toContain('adapter_model.safetensors');
    expect(fs.readdirSync(folder)).toEqual(expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']));
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'adapter_config.json'), 'utf8'))).toMatchObject({ r: 4, lora_alpha: 8, peft_type: 'LORA' });
    await shootChecked(page, 'models-export-peft-light');
    await page.keyboard.press('Escape');

    await row.getByTestId('adapter-export-gguf').click();
    const gguf = page.getByTestId('gguf-dialog');
    await gguf.getByTestId('gguf-type-q8_0').check();
    const file = path.join(tempDir(), 'sums-adapter.gguf');
    // A file that exists is refused before anything is written, under the field, naming the file.
    fs.writeFileSync(file, 'taken');
    const field = gguf.getByTestId('gguf-path');
    await field.fill(file);
    await gguf.getByTestId('gguf-start').click();
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await gguf.locator('#gguf-path-error').textContent()).toBe(`${file} exists; export to a new file.`);
    expect(await gguf.getByTestId('gguf-error').count()).toBe(0);
    await shootChecked(page, 'models-export-gguf-exists-light');
    fs.rmSync(file);
    // The export job is held at its start until the progress bar has been seen: a tiny adapter's file is written in milliseconds.
    const jobs = app.backend.jobs;
    const start = jobs.start.bind(jobs);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    jobs.start = (spec, body) => {
      if (spec.kind !== 'models.exportGguf') return start(spec, body);
      jobs.start = start;
      return start(spec, async (control) => {
        control.progress({ done: 0, total: 1000, detail: 'reading the adapter' });
        await held;
        return body(control);
      });
    };
    // Enter in the field starts the export; a name typed without .gguf gets it, in the field.
    await field.fill(file.slice(0, -'.gguf'.length));
    await field.press('Enter');
    await expect.poll(() => gguf.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('0%');
    expect(await field.inputValue()).toBe(file);
    expect(await gguf.getByTestId('gguf-job').textContent()).toContain('Export adapter sums-adapter to GGUF (q8_0)');
    await shootChecked(page, 'models-export-gguf-running-light');
    // Closed while it runs and opened again, the dialog follows the same export, with Export off: no second one can start.
    await page.keyboard.press('Escape');
    await expect.poll(() => gguf.locator('.dialog-panel').count()).toBe(0);
    await expect.poll(() => page.getByTestId('status-jobs').textContent()).toContain('Export adapter sums-adapter to GGUF (q8_0)');
    await row.getByTestId('adapter-export-gguf').click();
    await gguf.locator('.dialog-panel').waitFor();
    await expect.poll(() => gguf.getByTestId('gguf-job').getAttribute('data-state')).toBe('running');
    expect(await gguf.getByTestId('gguf-job').textContent()).toContain('Export adapter sums-adapter to GGUF (q8_0)');
    expect(await gguf.getByRole('progressbar').count()).toBe(1);
    expect(await gguf.getByTestId('gguf-start').isDisabled()).toBe(true);
    expect(await field.isDisabled()).toBe(true);
    expect(await gguf.getByTestId('gguf-found').textContent()).toBe('Started before this dialog was opened; the choices above are for the next export.');
    await shootChecked(page, 'models-export-gguf-reopened-running-light');
    release();
    await expect.poll(() => gguf.getByTestId('gguf-job').getAttribute('data-state'), { timeout: 30_000 }).toBe('succeeded');
    expect(await gguf.getByTestId('gguf-job').textContent()).toContain(file);
    expect(fs.readFileSync(file).subarray(0, 4).toString('latin1')).toBe('GGUF');
    await shootChecked(page, 'models-export-gguf-light');
    await context.close();
  });

  it('merges the adapter into a new base model, listed beside its base', async () => {
    const { context, page } = await open();
    await page.locator('[data-testid="adapter-row"][data-name="sums-adapter"]').getByTestId('adapter-merge').click();
    const dialog = page.getByTestId('merge-adapter-dialog');
    await dialog.getByTestId('merge-adapter-name').fill('tiny-qwen-sums');
    await dialog.getByTestId('merge-adapter-start').click();
    await dialog.getByTestId('merge-adapter-done').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="model-row"][data-name="tiny-qwen-sums"]').waitFor();
    await shootChecked(page, 'models-merged-light');
    const merged = (await app.call<LanguageModel[]>('models.list')).find((m) => m.name === 'tiny-qwen-sums');
    expect(merged?.source).toBe('merged:tiny-qwen+sums-adapter');
    await app.call('models.remove', { name: 'tiny-qwen-sums' });
    await context.close();
  });

  it("says what is wrong with a pasted manifest in a sentence, not in the validator's words", async () => {
    const { context, page } = await open();
    await page.getByTestId('manifest-verify-any').click();
    const dialog = page.getByTestId('manifest-verify-dialog');
    const text = dialog.getByTestId('manifest-text');
    const error = dialog.getByTestId('manifest-error');
    await text.fill('{"format": "datanet-studio/training-manifest@1",');
    await dialog.getByTestId('manifest-verify').click();
    await expect.poll(() => error.textContent()).toMatch(/^The manifest is not valid JSON: .+\.$/);
    expect(await text.getAttribute('aria-invalid')).toBe('true');
    await text.fill('{"format": "datanet-studio/training-manifest@1"}');
    expect(await error.count()).toBe(0);
    await dialog.getByTestId('manifest-verify').click();
    await expect.poll(() => error.textContent()).toBe('The manifest lacks its “adapter” field.');
    await shootChecked(page, 'models-manifest-invalid-light', { target: dialog.locator('.dialog-panel') });
    await text.fill('{"format": "datanet-studio/training-manifest@1", "adapter": {"hash": "0x12"}}');
    await dialog.getByTestId('manifest-verify').click();
    await expect.poll(() => error.textContent()).toBe('The manifest\'s “adapter.hash” must be 32 bytes of lower-case hex (0x and 64 hex digits).');
    await context.close();
  });

  it('deletes behind a confirmation: a base model with adapters is refused with the reason, the adapter then the model go', async () => {
    const { context, page } = await open();
    await page.locator('[data-testid="model-row"][data-name="tiny-qwen"]').getByTestId('model-remove').click();
    const dialog = page.getByTestId('remove-dialog');
    await dialog.getByTestId('confirm-action').click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/adapter/i);
    await shootChecked(page, 'models-delete-refused-light');
    await page.keyboard.press('Escape');
    expect((await app.call<LanguageModel[]>('models.list')).length).toBe(1);

    await page.locator('[data-testid="adapter-row"][data-name="sums-adapter"]').getByTestId('adapter-remove').click();
    await dialog.getByTestId('confirm-action').click();
    await page.getByTestId('adapters-empty').waitFor();
    await page.locator('[data-testid="model-row"][data-name="tiny-qwen"]').getByTestId('model-remove').click();
    await dialog.getByTestId('confirm-action').click();
    await page.getByTestId('models-empty').waitFor();
    expect(await app.call<LanguageModel[]>('models.list')).toEqual([]);
    await context.close();
  });
});
