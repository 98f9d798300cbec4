import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../electron/paths';
import type { Datanet, Item } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { launchChromium, screenshotPath } from '../fixtures/browser';
import { serveApp, type ServedApp } from '../fixtures/served-app';
import { TOPIC_ITEMS, TOPIC_SCHEMA, writeTinyEmbeddingModel } from '../fixtures/tiny-embedding-model';

let app: ServedApp;
let browser: Browser;
let datanet: Datanet;
const ids = new Map<string, string>();
const problems: string[] = [];

async function backendCall<T>(name: string, input: unknown = {}): Promise<T> {
  const result = await app.backend.router.call(name, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

async function openApp(hash: string, colorScheme: 'light' | 'dark' = 'light', height = 800): Promise<{ context: BrowserContext; page: Page }> {
  // bypassCSP: axe-core is injected as an inline script, which the app's CSP (rightly) refuses.
  const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height }, bypassCSP: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(app.server.openUrl);
  await page.getByTestId('nav-datanets').waitFor();
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  return { context, page };
}

/** Serious and critical axe-core findings inside `selector`, as readable lines. */
async function axeProblems(page: Page, selector: string): Promise<string[]> {
  await page.addScriptTag({ path: path.join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await page.evaluate(async (sel) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: string): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(sel);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, selector);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

beforeAll(async () => {
  expect(fs.existsSync(path.join(rendererDir(), 'index.html')), 'run `npm run build` first (npm test does)').toBe(true);
  app = await serveApp();
  browser = await launchChromium();
  // Installed the way a user's copied folder is: straight into the data folder's models folder.
  writeTinyEmbeddingModel(path.join(app.dataDir, 'models', 'embeddings', 'tiny-model'));
  datanet = await backendCall<Datanet>('datanets.create', { name: 'Topics', license: 'MIT', schema: TOPIC_SCHEMA });
  for (const { text, topic } of TOPIC_ITEMS) {
    const { id } = app.backend.datanets.items.insert(datanet.id, { content: { text, fields: {}, image: null }, source: null, importId: null });
    ids.set(text, id);
    if (topic) await backendCall('annotations.set', { item: id, field: 'topic', value: topic });
  }
  const job = await backendCall<Job>('assist.embeddings.compute', { datanet: datanet.id });
  expect((await app.backend.jobs.settled(job.id)).state).toBe('succeeded');
});

afterAll(async () => {
  await browser.close();
  await app.close();
});

describe('assist in Chromium', () => {
  it('lists the installed model and the embeddings in Settings → Assist, and explains a folder that is not a model', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      // Tall enough for the whole section in one screenshot.
      const { context, page } = await openApp('#/settings', scheme, 2400);
      const section = page.getByTestId('assist-section');
      await section.getByTestId('assist-model').waitFor();
      expect(await section.getByTestId('assist-model').getAttribute('data-name')).toBe('tiny-model');
      expect(await section.getByTestId('assist-model').textContent()).toContain('In use');
      await expect.poll(() => section.getByTestId('assist-embedded').textContent()).toBe(`${TOPIC_ITEMS.length} of ${TOPIC_ITEMS.length} items embedded.`);

      await page.locator('#assist-import-path').fill(path.join(app.dataDir, 'logs'));
      await section.getByTestId('assist-import').click();
      await expect.poll(() => section.getByTestId('assist-import-error').textContent()).toMatch(/is not an embedding model folder: A model folder holds config.json, tokenizer.json/);
      expect(await page.locator('#assist-import-path').getAttribute('aria-invalid')).toBe('true');

      await section.scrollIntoViewIfNeeded();
      await section.screenshot({ path: screenshotPath(`assist-settings-${scheme}`) });
      expect(await axeProblems(page, '[data-testid="assist-section"]')).toEqual([]);
      await context.close();
    }
  });

  it('suggests a label in the annotate view, warns about the near-duplicate, and Tab accepts the suggestion and saves it', async () => {
    const itemId = ids.get('the cat sat on the mat!')!;
    const original = ids.get('The cat sat on the mat.')!;
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openApp(`#/annotate/${datanet.id}/${itemId}`, scheme);
      const panel = page.getByTestId('assist-panel');
      await panel.getByTestId('assist-suggestion').waitFor();
      expect(await panel.getByTestId('assist-suggestion').getAttribute('data-value')).toBe('"animals"');
      expect(await panel.getByTestId('assist-suggestion').textContent()).toMatch(/Suggested topic.*\d+% sure.*animals.*Accept\s*Tab/);
      const duplicate = panel.getByTestId('assist-duplicate-link');
      await duplicate.waitFor();
      expect(await duplicate.getAttribute('href')).toBe(`#/annotate/${datanet.id}/${original}`);
      expect(await duplicate.textContent()).toBe('The cat sat on the mat.');

      await page.screenshot({ path: screenshotPath(`assist-annotate-${scheme}`) });
      expect(await axeProblems(page, '[data-testid="assist-panel"]')).toEqual([]);

      if (scheme === 'light') {
        expect((await backendCall<Item>('items.get', { item: itemId })).labels.topic).toBeUndefined();
        // Focus on the page itself, not in a text field: Tab is the accept key.
        await page.evaluate('document.activeElement?.blur()');
        await page.keyboard.press('Tab');
        await expect.poll(async () => (await backendCall<Item>('items.get', { item: itemId })).labels.topic).toBe('animals');
        await expect.poll(() => panel.getByTestId('assist-accept').textContent()).toMatch(/^Accepted/);
        await page.screenshot({ path: screenshotPath('assist-annotate-accepted-light') });
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  it('says how to get a model when none is installed', async () => {
    await backendCall('assist.models.remove', { name: 'tiny-model' });
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openApp(`#/annotate/${datanet.id}/${ids.get('The kitten napped on the rug.')!}`, scheme);
      const empty = page.getByTestId('assist-no-model');
      await empty.waitFor();
      expect(await empty.textContent()).toContain('Settings → Assist');
      expect(await empty.getByRole('link').getAttribute('href')).toBe('#/settings');
      await page.getByTestId('assist-panel').screenshot({ path: screenshotPath(`assist-no-model-${scheme}`) });
      expect(await axeProblems(page, '[data-testid="assist-panel"]')).toEqual([]);
      await context.close();
    }
  });
});
