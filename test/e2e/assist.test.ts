import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datanet, Item } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { openApp, shootChecked, startBrowserApp } from '../fixtures/app-page';
import { screenshotPath } from '../fixtures/browser';
import type { ServedApp } from '../fixtures/served-app';
import { TOPIC_ITEMS, TOPIC_SCHEMA, writeTinyEmbeddingModel } from '../fixtures/tiny-embedding-model';

let app: ServedApp;
let browser: Browser;
let datanet: Datanet;
const ids = new Map<string, string>();
const problems: string[] = [];

/** The app at `hash`; `height` tall enough for a whole section in one screenshot. */
const open = (hash: string, colorScheme: 'light' | 'dark' = 'light', height = 800) =>
  openApp(browser, app, { colorScheme, viewport: { width: 1280, height }, hash, problems });

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  // Installed the way a user's copied folder is: straight into the data folder's models folder.
  writeTinyEmbeddingModel(path.join(app.dataDir, 'models', 'embeddings', 'tiny-model'));
  datanet = await app.call<Datanet>('datanets.create', { name: 'Topics', license: 'MIT', schema: TOPIC_SCHEMA });
  for (const { text, topic } of TOPIC_ITEMS) {
    const { id } = app.backend.datanets.items.insert(datanet.id, { content: { text, fields: {}, image: null }, source: null, importId: null });
    ids.set(text, id);
    if (topic) await app.call('annotations.set', { item: id, field: 'topic', value: topic });
  }
  const job = await app.call<Job>('assist.embeddings.compute', { datanet: datanet.id });
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
      const { context, page } = await open('#/settings', scheme, 2400);
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
      await shootChecked(page, `assist-settings-${scheme}`, { target: section, within: '[data-testid="assist-section"]' });
      await context.close();
    }
  });

  it('suggests a label in the annotate view, warns about the near-duplicate, and Tab accepts the suggestion and saves it', async () => {
    const itemId = ids.get('the cat sat on the mat!')!;
    const original = ids.get('The cat sat on the mat.')!;
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await open(`#/annotate/${datanet.id}/${itemId}`, scheme);
      const panel = page.getByTestId('assist-panel');
      await panel.getByTestId('assist-suggestion').waitFor();
      expect(await panel.getByTestId('assist-suggestion').getAttribute('data-value')).toBe('"animals"');
      // The light pass accepts it below; in the dark pass the item already carries it, so there is nothing left to accept.
      expect(await panel.getByTestId('assist-suggestion').textContent()).toMatch(
        scheme === 'light' ? /Suggested topic.*\d+% sure.*animals\s*Accept\s*Tab/ : /Suggested topic.*\d+% sure.*animals\s*Accepted(?!\s*Tab)/,
      );
      const duplicate = panel.getByTestId('assist-duplicate-link');
      await duplicate.waitFor();
      expect(await duplicate.getAttribute('href')).toBe(`#/annotate/${datanet.id}/${original}`);
      expect(await duplicate.textContent()).toBe('The cat sat on the mat.');

      await shootChecked(page, `assist-annotate-${scheme}`, { within: '[data-testid="assist-panel"]' });

      if (scheme === 'light') {
        expect((await app.call<Item>('items.get', { item: itemId })).labels.topic).toBeUndefined();
        // Focus on the page itself, not in a text field: Tab is the accept key.
        await page.evaluate('document.activeElement?.blur()');
        await page.keyboard.press('Tab');
        await expect.poll(async () => (await app.call<Item>('items.get', { item: itemId })).labels.topic).toBe('animals');
        await expect.poll(() => panel.getByTestId('assist-accept').textContent()).toMatch(/^Accepted/);
        await page.screenshot({ path: screenshotPath('assist-annotate-accepted-light') });
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  it('asks before removing a model; Escape, as Keep, cancels and gives focus back to Remove…', async () => {
    const { context, page } = await open('#/settings');
    const row = page.getByTestId('assist-section').locator('[data-testid="assist-model"][data-name="tiny-model"]');
    const focused = (testId: string) => page.evaluate(`document.activeElement?.matches('[data-testid="${testId}"]')`);
    for (const cancel of ['Escape', 'Keep'] as const) {
      await row.getByTestId('assist-remove').click();
      const confirmation = row.getByTestId('assist-remove-confirmation');
      await confirmation.waitFor();
      expect(await confirmation.getAttribute('aria-label')).toBe('Remove tiny-model?');
      // Focus is in the confirmation, not lost with the Remove… button it replaced; on Keep, so Enter twice removes nothing.
      await expect.poll(() => focused('assist-remove-keep')).toBe(true);
      if (cancel === 'Escape') {
        await shootChecked(page, 'assist-remove-confirm-light', { target: row });
        await page.keyboard.press('Escape');
      } else {
        await row.getByTestId('assist-remove-keep').click();
      }
      await expect.poll(() => confirmation.count()).toBe(0);
      await expect.poll(() => focused('assist-remove')).toBe(true);
    }
    // Enter on Remove… opens the confirmation again, from the keyboard alone; nothing was removed.
    await page.keyboard.press('Enter');
    await expect.poll(() => focused('assist-remove-keep')).toBe(true);
    expect((await app.call<{ name: string }[]>('assist.models.list')).map((m) => m.name)).toEqual(['tiny-model']);
    await context.close();
    expect(problems).toEqual([]);
  });

  it('says how to get a model when none is installed', async () => {
    await app.call('assist.models.remove', { name: 'tiny-model' });
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await open(`#/annotate/${datanet.id}/${ids.get('The kitten napped on the rug.')!}`, scheme);
      const empty = page.getByTestId('assist-no-model');
      await empty.waitFor();
      expect(await empty.textContent()).toContain('Settings → Assist');
      expect(await empty.getByRole('link').getAttribute('href')).toBe(`#/settings?section=assist&datanet=${datanet.id}`);
      await shootChecked(page, `assist-no-model-${scheme}`, { target: page.getByTestId('assist-panel'), within: '[data-testid="assist-panel"]' });
      // It lands on the Assist section, its heading focused, not at the top of Settings.
      await empty.getByRole('link').click();
      const heading = page.getByTestId('assist-section').getByRole('heading', { name: 'Assist' });
      await expect.poll(() => page.evaluate(`document.activeElement?.matches('[data-testid="assist-section"] h2')`)).toBe(true);
      expect((await heading.boundingBox())!.y).toBeGreaterThanOrEqual(0);
      await context.close();
    }
  });
});
