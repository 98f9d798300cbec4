// Semantic search in the dataset view (#/datanets/<id>, "Meaning" mode) in Chromium against a real
// server, with the tiny embedding model the fixture writes: ranked results, keyboard, the reasons
// the switch gives when it cannot search by meaning; screenshots and axe-core, light and dark.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SemanticSearchResult } from '../../shared/api/schemas/assist';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { openApp, type OpenedApp, shootChecked, startBrowserApp } from '../fixtures/app-page';
import { screenshotPath } from '../fixtures/browser';
import type { ServedApp } from '../fixtures/served-app';
import { TOPIC_ITEMS, TOPIC_SCHEMA, writeTinyEmbeddingModel } from '../fixtures/tiny-embedding-model';

let app: ServedApp;
let browser: Browser;
let topics: Datanet;
let unembedded: Datanet;
const ids = new Map<string, string>();
const problems: string[] = [];

/** No word in common with "A dog barked at the mailman.", the same meaning to the tiny model. */
const PARAPHRASE = 'the puppy howled';

async function openView(datanet: Datanet, colorScheme: 'light' | 'dark'): Promise<OpenedApp> {
  // defaultTimeout: well inside the test's own timeout, a wait that fails says which one.
  const opened = await openApp(browser, app, { colorScheme, hash: `#/datanets/${datanet.id}`, problems, defaultTimeout: 10_000 });
  await opened.page.getByTestId('dataset-table').waitFor();
  return opened;
}

const percent = (score: number) => `${Math.round(Math.max(0, score) * 100)}%`;

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  writeTinyEmbeddingModel(path.join(app.dataDir, 'models', 'embeddings', 'tiny-model'));
  topics = await app.call<Datanet>('datanets.create', { name: 'Topics', license: 'MIT', schema: TOPIC_SCHEMA });
  for (const { text, topic } of TOPIC_ITEMS) {
    const { id } = app.backend.datanets.items.insert(topics.id, { content: { text, fields: {}, image: null }, source: null, importId: null });
    ids.set(text, id);
    if (topic) await app.call('annotations.set', { item: id, field: 'topic', value: topic });
  }
  const job = await app.call<Job>('assist.embeddings.compute', { datanet: topics.id });
  expect((await app.backend.jobs.settled(job.id)).state).toBe('succeeded');
  // A model is installed, but this one's items were never embedded.
  unembedded = await app.call<Datanet>('datanets.create', { name: 'Not embedded', license: 'MIT', schema: TOPIC_SCHEMA });
  app.backend.datanets.items.insert(unembedded.id, { content: { text: 'A cat on a rug.', fields: {}, image: null }, source: null, importId: null });
});

afterAll(async () => {
  await browser.close();
  await app.close();
});

describe('semantic search in the dataset view', () => {
  it('ranks items by meaning where word search finds nothing, with scores and labels; the keyboard opens the best one', async () => {
    const expected = await app.call<SemanticSearchResult>('assist.search', { datanet: topics.id, query: PARAPHRASE, limit: 100 });
    const dog = ids.get('A dog barked at the mailman.')!;
    expect(expected.items[0]!.item.id).toBe(dog);

    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openView(topics, scheme);
      const search = page.getByTestId('dataset-search');
      await search.fill(PARAPHRASE);
      // By words, no item shares a word with the paraphrase.
      await page.getByTestId('dataset-no-match').waitFor();

      if (scheme === 'light') {
        await page.getByTestId('search-mode-meaning').click();
      } else {
        // Keyboard only: Tab from the box to the switch, the arrow key picks Meaning.
        await search.focus();
        await page.keyboard.press('Tab');
        expect(await page.evaluate('document.activeElement?.dataset.testid')).toBe('search-mode-words');
        await page.keyboard.press('ArrowRight');
      }
      expect(await page.getByTestId('search-mode-meaning').isChecked()).toBe(true);
      // The text typed in Words mode carries over.
      expect(await search.inputValue()).toBe(PARAPHRASE);
      // Filters are for word search; ranked results have no sort or filter.
      expect(await page.getByTestId('filter-labeled').count()).toBe(0);

      const rows = page.getByTestId('semantic-row');
      await expect.poll(() => rows.count()).toBe(expected.items.length);
      const shown = await Promise.all(expected.items.map((_, i) => rows.nth(i).getAttribute('data-item-id')));
      expect(shown).toEqual(expected.items.map((r) => r.item.id));
      const first = rows.first();
      expect(await first.getByTestId('semantic-text').textContent()).toBe('A dog barked at the mailman.');
      expect(await first.getByTestId('semantic-score').textContent()).toBe(percent(expected.items[0]!.score));
      expect(await first.getByTestId('semantic-labels').textContent()).toBe('topic: animals');
      expect(await page.getByTestId('semantic-count').textContent()).toBe(`${expected.items.length} closest by meaning`);

      await shootChecked(page, `semantic-results-${scheme}`, { within: '[data-testid="dataset-view"]' });

      // ↓ from the box goes to the results; ↓ moves; Enter opens the focused item.
      await search.focus();
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate('document.activeElement?.dataset.testid')).toBe('semantic-results');
      expect(await first.getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('ArrowDown');
      expect(await rows.nth(1).getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate('location.hash')).toBe(`#/annotate/${topics.id}/${dog}`);
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  it('follows the query as it is typed, and asks for one when the box is empty', async () => {
    const { context, page } = await openView(topics, 'light');
    await page.getByTestId('search-mode-meaning').click();
    await page.getByTestId('semantic-prompt').waitFor();
    expect(await page.getByTestId('semantic-prompt').textContent()).toContain('closest in meaning');
    await page.screenshot({ path: screenshotPath('semantic-prompt-light') });

    const search = page.getByTestId('dataset-search');
    await search.pressSequentially('some toast', { delay: 20 });
    await expect.poll(() => page.getByTestId('semantic-row').first().getAttribute('data-item-id')).toBe(ids.get('Fresh bread and butter for breakfast.'));
    await search.fill('a rainy evening');
    const weather = [ids.get('Heavy rain and strong wind tonight.'), ids.get('A downpour with gusty gales this evening.')];
    await expect.poll(async () => weather.includes((await page.getByTestId('semantic-row').first().getAttribute('data-item-id')) ?? '')).toBe(true);
    // Back to words: the same text, now as a word search (no item has "rainy").
    await page.getByTestId('search-mode-words').click();
    await page.getByTestId('dataset-no-match').waitFor();
    expect(await page.getByTestId('semantic-results').count()).toBe(0);
    expect(await search.inputValue()).toBe('a rainy evening');
    await search.fill('evening');
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBe(1);
    await context.close();
    expect(problems).toEqual([]);
  });

  it('says why Meaning is off when the datanet has no embeddings, and links to Settings → Assist', async () => {
    // Another datanet, newer than this one and older than Topics: whichever order Settings lists them in, this one is not first.
    await app.call<Datanet>('datanets.create', { name: 'Later', license: 'MIT', schema: TOPIC_SCHEMA });
    const { context, page } = await openView(unembedded, 'light');
    const note = page.getByTestId('search-mode-note');
    await note.waitFor();
    expect(await note.getAttribute('data-reason')).toBe('no_embeddings');
    expect(await note.textContent()).toContain('Settings → Assist');
    expect(await note.getByRole('link').getAttribute('href')).toBe(`#/settings?section=assist&datanet=${unembedded.id}`);
    expect(await page.getByTestId('search-mode-meaning').isDisabled()).toBe(true);
    await page.getByRole('search').screenshot({ path: screenshotPath('semantic-no-embeddings-light') });
    // The link lands on the Assist section, not the top of Settings, with this datanet chosen (not the first).
    await note.getByRole('link').click();
    const section = page.getByTestId('assist-section');
    await expect.poll(() => section.locator('#assist-datanet').inputValue()).toBe(unembedded.id);
    await expect.poll(() => page.evaluate(`document.activeElement?.matches('[data-testid="assist-section"] h2')`)).toBe(true);
    const heading = (await section.getByRole('heading', { name: 'Assist' }).boundingBox())!;
    expect(heading.y).toBeGreaterThanOrEqual(0);
    expect(heading.y + heading.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    await page.screenshot({ path: screenshotPath('semantic-no-embeddings-settings-light') });
    await context.close();
    expect(problems).toEqual([]);
  });

  it('says how to get a model when none is installed, and falls back to words, saying why, when it went away mid-search', async () => {
    const open = await openView(topics, 'light');
    await open.page.getByTestId('search-mode-meaning').click();
    const search = open.page.getByTestId('dataset-search');
    await search.fill('a kitten');
    await open.page.getByTestId('semantic-row').first().waitFor();
    // Removed elsewhere (another window, the CLI) while this view searches by meaning.
    await app.call('assist.models.remove', { name: 'tiny-model' });
    await search.fill('rain');
    // Not an error with a Try again that cannot succeed: words, the text kept, and a sentence saying why.
    const note = open.page.getByTestId('search-mode-note');
    await expect.poll(() => note.textContent()).toBe(
      'The embedding model tiny-model was removed; searching by words. Import or download one in Settings → Assist to search by meaning again.',
    );
    expect(await note.getByRole('link').getAttribute('href')).toBe(`#/settings?section=assist&datanet=${topics.id}`);
    expect(await open.page.getByTestId('search-mode-words').isChecked()).toBe(true);
    expect(await open.page.getByTestId('search-mode-meaning').isDisabled()).toBe(true);
    expect(await open.page.getByTestId('semantic-error').count()).toBe(0);
    await expect.poll(() => open.page.getByTestId('row-text').allTextContents()).toEqual(['Heavy rain and strong wind tonight.']);
    expect(await search.inputValue()).toBe('rain');
    expect(await open.page.evaluate(`document.activeElement?.matches('[data-testid="dataset-search"]')`)).toBe(true);
    await shootChecked(open.page, 'semantic-model-removed-light', { within: '[data-testid="dataset-view"]' });
    await open.context.close();

    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openView(topics, scheme);
      const note = page.getByTestId('search-mode-note');
      await note.waitFor();
      expect(await note.getAttribute('data-reason')).toBe('no_model');
      expect(await note.textContent()).toMatch(/needs an embedding model.*Settings → Assist/);
      expect(await note.getByRole('link').getAttribute('href')).toBe(`#/settings?section=assist&datanet=${topics.id}`);
      expect(await page.getByTestId('search-mode-meaning').isDisabled()).toBe(true);
      expect(await page.getByTestId('search-mode-words').isChecked()).toBe(true);
      await shootChecked(page, `semantic-no-model-${scheme}`, { within: '[data-testid="dataset-view"]' });
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
