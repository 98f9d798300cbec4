// The dataset view (#/datanets/<id>) in Chromium against a real server: the virtualized table,
// search, filters, sort, selection, bulk labeling, opening an item; screenshots and axe-core.
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemsWindow } from '../../shared/api/schemas/browse';
import type { AnnotationEvent, Datanet, ItemFilter } from '../../shared/api/schemas/datanets';
import { checkSmallWindow, openApp, shootChecked, startBrowserApp } from '../fixtures/app-page';
import { screenshotPath } from '../fixtures/browser';
import type { ServedApp } from '../fixtures/served-app';

const N = 3000;
let app: ServedApp;
let browser: Browser;
let datanet: Datanet;
let empty: Datanet;
const problems: string[] = [];

const windowOf = (offset: number, limit: number, filter: ItemFilter = {}) =>
  app.call<ItemsWindow>('items.window', { datanet: datanet.id, offset, limit, filter });

/** N reviews (every 10th asks for a refund, every 7th labeled positive by "ada", every 13th reviewed), 4 images, one very long text. */
async function seed(): Promise<void> {
  const s = app.backend.datanets;
  datanet = s.datanets.create({
    name: 'Reviews',
    description: '',
    license: 'CC0-1.0',
    schema: {
      fields: [
        { kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative', 'neutral'] },
        { kind: 'multiple_choice', name: 'topics', labels: ['price', 'service'] },
        { kind: 'rating', name: 'quality', max: 5 },
      ],
    },
  });
  empty = s.datanets.create({ name: 'Empty one', description: '', license: 'MIT', schema: { fields: [{ kind: 'free_text', name: 'note' }] } });
  const colours = [
    { r: 220, g: 60, b: 60 },
    { r: 60, g: 160, b: 90 },
    { r: 60, g: 90, b: 220 },
    { r: 230, g: 180, b: 40 },
  ];
  const images = await Promise.all(
    colours.map(async (background) => s.blobs.putBytes(await sharp({ create: { width: 64, height: 48, channels: 3, background } }).png().toBuffer())),
  );
  s.db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const image = i >= 1 && i <= 4 ? images[i - 1]! : null;
      const text = i === 5 ? `A very long review ${'and it goes on '.repeat(20_000)}` : image ? '' : `Review ${i}: ${i % 10 === 0 ? 'I want a refund, the delivery was late' : 'great value, friendly service'}`;
      const { seq } = s.items.insert(datanet.id, {
        content: { text, fields: image ? { filename: `photo-${i}.png` } : {}, image: image ? { cid: image, mime: 'image/png', width: 64, height: 48, thumbCid: image } : null },
        source: null,
        importId: null,
      });
      if (i % 7 === 0) s.annotations.record({ itemSeq: seq, datanetId: datanet.id }, 'sentiment', 'positive', 'ada', 'set');
      if (i % 13 === 0) s.annotations.record({ itemSeq: seq, datanetId: datanet.id }, '$reviewed', true, 'ada', 'set');
      // One label that came with an import, not made in the app.
      if (i === 2) s.annotations.record({ itemSeq: seq, datanetId: datanet.id }, 'sentiment', 'positive', 'annotator@example.org', 'import');
    }
  })();
}

const openView = (options: { colorScheme?: 'light' | 'dark'; id?: string } = {}) =>
  openApp(browser, app, { colorScheme: options.colorScheme, hash: `#/datanets/${options.id ?? datanet.id}`, problems });

const row = (page: Page, position: number) => page.locator(`[data-testid="dataset-row"][data-position="${position}"]`);
const rowText = (page: Page, position: number) => row(page, position).getByTestId('row-text').textContent();
const count = (page: Page) => page.getByTestId('dataset-count').textContent();

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  await seed();
});

afterAll(async () => {
  await browser.close();
  await app.close();
  expect(problems).toEqual([]);
});

describe('the dataset view', { timeout: 120_000 }, () => {
  it('shows the datanet in a virtualized table, light and dark, with no serious accessibility violations', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await openView({ colorScheme });
      await expect.poll(() => rowText(page, 0)).toContain('Review 0');
      expect(await page.getByTestId('dataset-title').textContent()).toBe('Reviews');
      expect(await page.getByTestId('dataset-counts').textContent()).toMatch(/3,000 items · 430 labeled \(14%\)/);
      expect(await count(page)).toBe('3,000 items');
      expect(await page.getByTestId('dataset-table').getAttribute('aria-rowcount')).toBe(String(N + 1));
      // Only what is on screen (and a few rows around it) is in the DOM.
      expect(await page.getByTestId('dataset-row').count()).toBeLessThan(40);
      await expect.poll(() => row(page, 0).getByTestId('row-labels').textContent()).toContain('positive');
      await expect.poll(() => page.evaluate(`document.querySelector('[data-testid="dataset-row"][data-position="1"] img')?.naturalWidth`)).toBe(64);
      expect(await rowText(page, 1)).toBe('filename: photo-1.png');
      // An imported label says so in Labeled by, cut with an ellipsis where the column is narrow.
      const author = row(page, 2).getByTestId('row-author');
      expect(await author.textContent()).toBe('imported · annotator@example.org');
      expect(await author.getAttribute('title')).toMatch(/^Came with an import on .+, not labeled in the app\.$/);
      expect(await page.evaluate(`getComputedStyle(document.querySelector('[data-testid="dataset-row"][data-position="2"] [data-testid="row-author"] .dv-text')).textOverflow`)).toBe('ellipsis');
      expect((await rowText(page, 5))!.length).toBeLessThan(400);
      await shootChecked(page, `dataset-table-${colorScheme}`);
      if (colorScheme === 'light') {
        await checkSmallWindow(page, 'dataset-table', async () => {
          // The content keeps its room; who labeled and when added give way.
          const [contentWidth, addedShown] = await page.evaluate<[number, boolean]>(
            `[document.querySelector('[data-testid="row-text"]').getBoundingClientRect().width, document.querySelector('.dv-cell-date').getClientRects().length > 0]`,
          );
          expect(contentWidth).toBeGreaterThan(100);
          expect(addedShown).toBe(false);
        });
      }
      await context.close();
    }
  });

  it('jumps to the middle and the end by the scrollbar, and fetches those rows', async () => {
    const { context, page } = await openView();
    await expect.poll(() => rowText(page, 0)).toContain('Review 0');
    const scrollTo = (where: string) => page.evaluate(`(() => { const el = document.querySelector('[data-testid="dataset-table"]'); el.scrollTop = ${where}; })()`);
    await scrollTo('(el.scrollHeight - el.clientHeight) / 2');
    // Rows from the top may still be drawn until the table re-renders: wait for a loaded row in the middle.
    const loadedPosition = () => page.locator('[data-testid="dataset-row"][data-item-id]').nth(6).getAttribute('data-position');
    await expect.poll(async () => Number(await loadedPosition())).toBeGreaterThan(1400);
    const middle = Number(await loadedPosition());
    expect(middle).toBeLessThan(1600);
    await expect.poll(() => rowText(page, middle)).toBe(`Review ${middle}: ${middle % 10 === 0 ? 'I want a refund, the delivery was late' : 'great value, friendly service'}`);
    await scrollTo('el.scrollHeight');
    await expect.poll(() => rowText(page, N - 1)).toContain(`Review ${N - 1}`);
    await context.close();
  });

  it('searches, filters, sorts and counts; says so when nothing matches', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await openView({ colorScheme });
      await expect.poll(() => rowText(page, 0)).toContain('Review 0');
      // `/` focuses the search box.
      await page.getByTestId('dataset-table').focus();
      await page.keyboard.press('/');
      expect(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('dataset-search');
      await page.keyboard.type('refund');
      await expect.poll(() => count(page)).toBe('300 of 3,000 items match');
      await page.getByTestId('filter-labeled').selectOption('labeled');
      // Every 70th item is both a refund and labeled.
      await expect.poll(() => count(page)).toBe('43 of 3,000 items match');
      await page.getByTestId('sort').selectOption('arrival_desc');
      await expect.poll(() => rowText(page, 0)).toBe('Review 2940: I want a refund, the delivery was late');
      await shootChecked(page, `dataset-filtered-${colorScheme}`);
      if (colorScheme === 'light') {
        // Kept for this window: a reload, and Back from an item opened here, find the same view.
        await page.reload();
        await expect.poll(() => count(page)).toBe('43 of 3,000 items match');
        expect(await page.getByTestId('dataset-search').inputValue()).toBe('refund');
        expect(await page.getByTestId('filter-labeled').inputValue()).toBe('labeled');
        await expect.poll(() => rowText(page, 0)).toBe('Review 2940: I want a refund, the delivery was late');
        await page.getByTestId('dataset-table').focus();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.url()).toContain('#/annotate/');
        await page.goBack();
        await expect.poll(() => count(page)).toBe('43 of 3,000 items match');
        expect(await page.getByTestId('sort').inputValue()).toBe('arrival_desc');

        // Opened from this list, the annotate view goes through the list: its matches, in its order.
        await expect.poll(() => rowText(page, 1)).toMatch(/^Review 2870:/);
        await row(page, 1).getByTestId('row-text').dblclick();
        const place = () => page.getByTestId('annotate-position').textContent();
        const shownText = async () => {
          const id = await page.getByTestId('annotate-workspace').getAttribute('data-item-id');
          return id ? (await app.call<{ content: { text: string } }>('items.get', { item: id })).content.text : '';
        };
        await expect.poll(place).toBe('Item 2 of 43 in the dataset view’s list');
        expect(await shownText()).toMatch(/^Review 2870:/);
        await page.keyboard.press('j');
        await expect.poll(shownText).toMatch(/^Review 2800:/);
        await expect.poll(place).toBe('Item 3 of 43 in the dataset view’s list');
        // Two presses in one go, the second while the first step is still on its way: both count.
        await page.evaluate(`for (let i = 0; i < 2; i++) document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true }))`);
        await expect.poll(shownText).toMatch(/^Review 2940:/);
        await expect.poll(place).toBe('Item 1 of 43 in the dataset view’s list');
        await page.keyboard.press('k');
        await expect.poll(() => page.getByTestId('annotate-notice').textContent()).toBe('This is the first item of the list.');
        // And back to the whole datanet, in arrival order, on request.
        await page.getByTestId('annotate-all-items').click();
        await expect.poll(place).toBe('Item 2,941 of 3,000');
        await page.keyboard.press('j');
        await expect.poll(shownText).toMatch(/^Review 2941:/);
        await page.getByRole('link', { name: 'Dataset view' }).click();
        await expect.poll(() => count(page)).toBe('43 of 3,000 items match');
      }

      await page.getByTestId('filter-labeled').selectOption('any');
      await page.getByTestId('filter-label').selectOption({ label: 'sentiment: positive' });
      await page.getByTestId('filter-reviewed').selectOption('reviewed');
      await expect.poll(() => count(page)).toBe('4 of 3,000 items match');

      await page.getByTestId('dataset-search').fill('zzzz nothing like this');
      await page.getByTestId('dataset-no-match').waitFor();
      await shootChecked(page, `dataset-empty-result-${colorScheme}`);
      await page.getByTestId('dataset-no-match').getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => count(page)).toBe('3,000 items');
      expect(await page.getByTestId('sort').inputValue()).toBe('arrival_desc');
      await context.close();
    }
  });

  it('selects a range with Shift+click and labels it in bulk: the rows and the database show it, and each item can be undone', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await openView({ colorScheme });
      await expect.poll(() => rowText(page, 0)).toContain('Review 0');
      const base = colorScheme === 'light' ? 8 : 1;
      await row(page, base).click();
      await row(page, base + 4).click({ modifiers: ['Shift'] });
      await row(page, base + 6).click({ modifiers: ['ControlOrMeta'] });
      await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('6 selected');
      expect(await row(page, base + 2).getAttribute('aria-selected')).toBe('true');
      expect(await row(page, base + 5).getAttribute('aria-selected')).toBe('false');
      await shootChecked(page, `dataset-selection-${colorScheme}`);

      await page.getByTestId('bulk-field').selectOption('sentiment');
      await page.getByTestId('bulk-value').selectOption({ label: 'negative' });
      await page.getByTestId('bulk-apply').click();
      await expect.poll(() => page.getByTestId('bulk-result').textContent()).toBe('6 items labeled');
      const positions = [base, base + 1, base + 2, base + 3, base + 4, base + 6];
      for (const p of positions) await expect.poll(() => row(page, p).getByTestId('row-labels').textContent()).toContain('negative');
      expect(await row(page, base + 5).getByTestId('row-labels').textContent()).not.toContain('negative');
      const rows = (await windowOf(base, 7)).items;
      expect(rows.map((r) => r.labels.find((l) => l.field === 'sentiment')?.text ?? null)).toEqual(['negative', 'negative', 'negative', 'negative', 'negative', (base + 5) % 7 === 0 ? 'positive' : null, 'negative']);
      const item = rows[0]!;
      const history = await app.call<AnnotationEvent[]>('annotations.history', { item: item.id });
      expect(history.at(-1)).toMatchObject({ field: 'sentiment', value: 'negative', kind: 'set' });
      await app.call('annotations.undo', { event: history.at(-1)!.seq });
      expect((await windowOf(base, 1)).items[0]!.labels).toEqual(history.length > 1 ? [{ field: 'sentiment', text: 'positive' }] : []);
      await context.close();
    }
  });

  it('selects everything matching a filter with Ctrl+A and labels it server-side with progress and a count', async () => {
    const { context, page } = await openView();
    await expect.poll(() => rowText(page, 0)).toContain('Review 0');
    await page.getByTestId('dataset-search').fill('refund');
    await expect.poll(() => count(page)).toBe('300 of 3,000 items match');
    await page.getByTestId('dataset-table').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('300 selected');
    await page.getByTestId('bulk-field').selectOption('quality');
    await page.getByTestId('bulk-value').selectOption({ label: '3 / 5' });
    await page.getByTestId('bulk-apply').click();
    await expect.poll(() => page.getByTestId('bulk-result').textContent()).toBe('300 items labeled');
    expect((await windowOf(0, 1, { query: 'refund', label: { field: 'quality', value: 3 } })).total).toBe(300);
    await expect.poll(() => row(page, 0).getByTestId('row-labels').textContent()).toContain('3 / 5');
    expect(await page.getByTestId('dataset-counts').textContent()).toMatch(/3,000 items · \d+ labeled/);
    await context.close();
  });

  it('moves focus with the arrow keys, toggles with Space, and opens the focused item with Enter', async () => {
    const { context, page } = await openView();
    await expect.poll(() => rowText(page, 0)).toContain('Review 0');
    await page.getByTestId('dataset-table').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toBe('1 selected');
    expect(await row(page, 3).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('bulk-bar').count()).toBe(0);
    const id = await row(page, 3).getAttribute('data-item-id');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/annotate/${datanet.id}/${id}`);
    await context.close();
  });

  it('shows loading rows while a window is on its way, an empty datanet, and a datanet that does not exist', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await openView({ colorScheme });
      await expect.poll(() => rowText(page, 0)).toContain('Review 0');
      // Drop the replies to items.window, so the view stays in its loading state to be seen.
      await page.routeWebSocket(/.*/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => server.send(m));
        server.onMessage((m) => {
          if (!(typeof m === 'string' && m.includes('"total"'))) ws.send(m);
        });
      });
      await page.reload();
      await page.getByTestId('dataset-loading').waitFor();
      await page.screenshot({ path: screenshotPath(`dataset-loading-${colorScheme}`) });
      await context.close();

      const second = await openView({ colorScheme, id: empty.id });
      await second.page.getByTestId('dataset-empty').waitFor();
      await shootChecked(second.page, `dataset-empty-${colorScheme}`);
      await second.context.close();

      const third = await openView({ colorScheme, id: 'dn_doesnotexist1' });
      await expect.poll(() => third.page.getByRole('alert').textContent()).toMatch(/Could not load the datanet.*No datanet with id "dn_doesnotexist1"/);
      // Right under the back link, not at the foot of an empty page.
      expect((await third.page.getByRole('alert').boundingBox())!.y).toBeLessThan(150);
      await third.page.screenshot({ path: screenshotPath(`dataset-missing-${colorScheme}`) });
      await third.context.close();
    }
  });
});
