// The annotate view in Chromium against a real server: every field kind by mouse and keyboard,
// saved at once (checked in the database), undo and redo across items, a reload that shows the
// saved labels, the history panel, the shortcut list, a refused save rolled back, a 1 MB text
// and an 8000×8000 image, screenshots light and dark, and axe-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeImage } from '../../electron/backend/datanets/import/readers/image-content';
import { ApiFailure } from '../../shared/api/errors';
import type { ItemContent } from '../../shared/datanets/item';
import type { ImageBox, LabelSchema, TextSpan } from '../../shared/datanets/schema';
import { checkAxe, checkSmallWindow, goTo, openApp, shootChecked, startBrowserApp } from '../fixtures/app-page';
import { screenshotPath } from '../fixtures/browser';
import type { ServedApp } from '../fixtures/served-app';

const EVERY_KIND: LabelSchema = {
  fields: [
    { kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative', 'neutral'] },
    { kind: 'multiple_choice', name: 'topics', labels: ['price', 'service', 'quality'] },
    { kind: 'text_spans', name: 'entities', labels: ['PER', 'ORG'] },
    { kind: 'instruction_pair', name: 'chat' },
    { kind: 'free_text', name: 'note' },
    { kind: 'rating', name: 'stars', max: 5 },
    { kind: 'image_class', name: 'animal', labels: ['cat', 'dog'] },
    { kind: 'image_boxes', name: 'boxes', labels: ['cat', 'dog'] },
  ],
};
const TEXT = 'Ann met Acme Corp in Zurich last spring. The price was fair.';

let app: ServedApp;
let browser: Browser;
let imageDir: string;
const problems: string[] = [];
const ids: Record<string, string> = {};
const datanets: Record<string, string> = {};

const labelsOf = (item: string) => app.backend.datanets.items.get(item).labels;

function addDatanet(name: string, schema: LabelSchema, contents: { key: string; content: ItemContent }[]) {
  const s = app.backend.datanets;
  const d = s.datanets.create({ name, description: '', license: 'CC0-1.0', schema });
  datanets[name] = d.id;
  for (const { key, content } of contents) ids[key] = s.items.insert(d.id, { content, source: null, importId: null }).id;
}

/** A PNG through the import's own image path: blob store, thumbnail, dimensions. */
async function image(name: string, width: number, height: number, colour: string) {
  const file = path.join(imageDir, `${name}.png`);
  await sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([{ input: { create: { width: Math.round(width / 3), height: Math.round(height / 3), channels: 3, background: '#ffffff' } }, left: Math.round(width / 4), top: Math.round(height / 4) }])
    .png({ compressionLevel: 1 })
    .toFile(file);
  return (await storeImage(file, app.backend.datanets.blobs, new AbortController().signal)).image;
}

const open = (hash: string, colorScheme: 'light' | 'dark' = 'light') =>
  openApp(browser, app, { colorScheme, viewport: { width: 1280, height: 900 }, hash, problems });

const workspaceOn = (page: Page, item: string) => page.locator(`[data-testid="annotate-workspace"][data-item-id="${item}"]`).waitFor();

/** The screen rectangle of one character of a span field's text (for real mouse drags). */
async function charBox(page: Page, field: string, offset: number) {
  const box = await page.evaluate<{ x: number; y: number; width: number; height: number } | null>(`(() => {
    const root = document.querySelector('[data-testid="spans-text-${field}"]');
    for (const el of root.querySelectorAll('[data-o]')) {
      const start = Number(el.dataset.o);
      const node = el.firstChild;
      if (node instanceof Text && start <= ${offset} && ${offset} < start + node.length) {
        const r = document.createRange();
        r.setStart(node, ${offset} - start);
        r.setEnd(node, ${offset} - start + 1);
        const b = r.getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height };
      }
    }
    return null;
  })()`);
  if (!box) throw new Error(`no character ${offset} in ${field}`);
  return box;
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  imageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'annotate-e2e-'));
  const photo = await image('photo', 640, 480, '#3b6ea5');
  const other = await image('other', 480, 640, '#a5573b');
  addDatanet('Everything', EVERY_KIND, [
    { key: 'A', content: { text: TEXT, fields: { source: 'a review' }, image: photo } },
    { key: 'B', content: { text: 'Bob works at Initech.', fields: {}, image: other } },
  ]);
  const one: LabelSchema = { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative', 'neutral'] }] };
  addDatanet('Pair', one, [
    { key: 'X', content: { text: 'first item', fields: {}, image: null } },
    { key: 'Y', content: { text: 'second item', fields: {}, image: null } },
    { key: 'Z', content: { text: 'third item', fields: {}, image: null } },
  ]);
  const line = 'A long document line about prices, service and quality, repeated to reach a megabyte. ';
  addDatanet('Long', { fields: [...one.fields, { kind: 'text_spans', name: 'entities', labels: ['PER', 'ORG'] }] }, [
    // A long column too: it scrolls in its box, which keyboard users must be able to reach.
    { key: 'long', content: { text: line.repeat(Math.ceil(1_048_576 / line.length)), fields: { context: line.repeat(20) }, image: null } },
  ]);
  addDatanet('Huge image', { fields: [{ kind: 'image_boxes', name: 'boxes', labels: ['thing'] }] }, [
    { key: 'huge', content: { text: '', fields: {}, image: await image('huge', 8000, 8000, '#556b2f') } },
  ]);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await app.close();
  fs.rmSync(imageDir, { recursive: true, force: true });
});

describe('the annotate view', () => {
  it('lists datanets to pick from, and starts a datanet at its first unlabeled item', async () => {
    app.backend.datanets.annotations.set(EVERY_KIND, ids.X!, 'sentiment', 'neutral', 'seed');
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await open('#/annotate', scheme);
      await page.getByTestId('annotate-picker').waitFor();
      expect(await page.getByTestId('annotate-picker').textContent()).toMatch(/Pair.*1 of 3 labeled/);
      await shootChecked(page, `annotate-picker-${scheme}`);
      await page.getByTestId('annotate-pick-Pair').click();
      await workspaceOn(page, ids.Y!);
      expect(page.url()).toContain(`#/annotate/${datanets.Pair}/${ids.Y}`);
      await expect.poll(() => page.getByTestId('annotate-position').textContent()).toBe('Item 2 of 3');
      await context.close();
    }
    app.backend.datanets.annotations.set(EVERY_KIND, ids.X!, 'sentiment', null, 'seed');
  });

  it('sets every field kind by keyboard and mouse, saves each at once, and shows them again after a reload', async () => {
    const A = ids.A!;
    const { context, page } = await open(`#/annotate/${datanets.Everything}/${A}`);
    await workspaceOn(page, A);
    await expect.poll(() => page.getByTestId('annotate-position').textContent()).toBe('Item 1 of 2');
    // A short column fits its box: no tab stop of its own.
    expect(await page.getByTestId('item-column-source').textContent()).toBe('a review');
    expect(await page.getByTestId('item-column-source').getAttribute('tabindex')).toBeNull();

    // single choice: the first field is active; keys pick, the mouse picks.
    await page.keyboard.press('1');
    await expect.poll(() => labelsOf(A).sentiment).toBe('positive');
    await page.getByTestId('choice-sentiment-negative').click();
    await expect.poll(() => labelsOf(A).sentiment).toBe('negative');

    // multiple choice: ↓ makes it active; keys toggle, the mouse toggles.
    expect(await page.getByTestId('field-sentiment').getByTestId('annotate-field-keys').textContent()).toBe('number keys act here · ↑↓ change field');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('field-topics').getAttribute('data-active')).toBe('true');
    await page.keyboard.press('1');
    await page.keyboard.press('3');
    await expect.poll(() => labelsOf(A).topics).toEqual(['price', 'quality']);
    await page.getByTestId('choice-topics-service').click();
    await expect.poll(() => labelsOf(A).topics).toEqual(['price', 'service', 'quality']);

    // text spans, by keyboard: label 2 (ORG), caret to "Acme Corp", Shift+arrows, Enter.
    const spansText = page.getByTestId('spans-text-entities');
    await spansText.focus();
    await page.keyboard.press('2');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 'Acme Corp'.length; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => labelsOf(A).entities).toEqual([{ start: 8, end: 17, label: 'ORG' }]);
    await page.keyboard.press('Escape');
    // … and by mouse: label 1 (PER), drag across "Zurich".
    await page.getByTestId('span-label-entities-PER').click();
    const zStart = TEXT.indexOf('Zurich');
    const first = await charBox(page, 'entities', zStart);
    const last = await charBox(page, 'entities', zStart + 'Zurich'.length - 1);
    await drag(page, { x: first.x + 1, y: first.y + first.height / 2 }, { x: last.x + last.width - 1, y: last.y + last.height / 2 });
    const zurich: TextSpan = { start: zStart, end: zStart + 6, label: 'PER' };
    await expect.poll(() => labelsOf(A).entities).toEqual([{ start: 8, end: 17, label: 'ORG' }, zurich]);
    await page.screenshot({ path: screenshotPath('annotate-spans-light') });
    // A click on a mark removes it.
    await page.locator('mark[data-label="ORG"]').click();
    await expect.poll(() => labelsOf(A).entities).toEqual([zurich]);

    // instruction pair: typed, saved when the box is left (Escape).
    await page.getByTestId('pair-chat-system').fill('You are terse.');
    await page.getByTestId('pair-chat-prompt').fill('Where did Ann meet Acme?');
    await page.getByTestId('pair-chat-response').fill('In Zurich.');
    await page.keyboard.press('Escape');
    await expect.poll(() => labelsOf(A).chat).toEqual({ system: 'You are terse.', prompt: 'Where did Ann meet Acme?', response: 'In Zurich.' });
    // Escape left the box: single keys are shortcuts again (r marks reviewed).
    await page.keyboard.press('r');
    await expect.poll(() => labelsOf(A).$reviewed).toBe(true);

    // free text: saved after a pause, without leaving the box.
    await page.getByTestId('text-note').click();
    // Number keys type here: the field's hint does not promise they pick anything.
    expect(await page.getByTestId('field-note').getByTestId('annotate-field-keys').textContent()).toBe('type in its box · ↑↓ change field');
    await page.keyboard.type('Looks fine ✓');
    await expect.poll(() => labelsOf(A).note).toBe('Looks fine ✓');
    // Typed and reloaded at once: nothing is lost.
    await page.keyboard.type(', twice');
    await page.reload();
    await workspaceOn(page, A);
    await expect.poll(() => labelsOf(A).note).toBe('Looks fine ✓, twice');

    // rating: keys and mouse.
    await page.getByTestId('field-stars').click({ position: { x: 8, y: 8 } });
    await page.keyboard.press('4');
    await expect.poll(() => labelsOf(A).stars).toBe(4);
    await page.getByTestId('rating-stars-5').click();
    await expect.poll(() => labelsOf(A).stars).toBe(5);

    // image class: key 2, then the mouse.
    await page.getByTestId('field-animal').click({ position: { x: 8, y: 8 } });
    await page.keyboard.press('2');
    await expect.poll(() => labelsOf(A).animal).toBe('dog');
    await page.getByTestId('choice-animal-cat').click();
    await expect.poll(() => labelsOf(A).animal).toBe('cat');

    // image boxes: draw, move, resize by a handle, nudge by key, delete.
    const stage = page.getByTestId('boxes-stage-boxes');
    await stage.scrollIntoViewIfNeeded();
    const s = (await stage.boundingBox())!;
    const at = (px: number, py: number) => ({ x: s.x + (s.width * px) / 100, y: s.y + (s.height * py) / 100 });
    const boxes = () => labelsOf(A).boxes as ImageBox[] | undefined;
    const near = (b: ImageBox | undefined, want: Omit<ImageBox, 'label'>) =>
      b !== undefined && Math.abs(b.x - want.x) < 1 && Math.abs(b.y - want.y) < 1 && Math.abs(b.width - want.width) < 1 && Math.abs(b.height - want.height) < 1;
    await page.getByTestId('box-label-boxes-dog').click();
    await drag(page, at(10, 10), at(40, 50));
    await expect.poll(() => near(boxes()?.[0], { x: 10, y: 10, width: 30, height: 40 })).toBe(true);
    expect(boxes()![0]!.label).toBe('dog');
    await drag(page, at(25, 30), at(35, 40));
    await expect.poll(() => near(boxes()?.[0], { x: 20, y: 20, width: 30, height: 40 })).toBe(true);
    const handle = (await page.getByTestId('handle-se').boundingBox())!;
    await drag(page, { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, at(60, 70));
    await expect.poll(() => near(boxes()?.[0], { x: 20, y: 20, width: 40, height: 50 })).toBe(true);
    const before = boxes()![0]!.x;
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => boxes()?.[0]?.x).toBeCloseTo(before + 0.5, 5);
    await page.getByTestId('zoom-boxes').waitFor();
    await stage.hover();
    await page.mouse.wheel(0, -200);
    await expect.poll(() => page.getByTestId('zoom-boxes').textContent()).toBe('125%');
    await page.getByRole('button', { name: 'Fit' }).click();
    await drag(page, at(70, 70), at(90, 95));
    await expect.poll(() => boxes()?.length).toBe(2);
    await page.getByTestId('box').nth(1).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => boxes()?.length).toBe(1);

    // A reload shows every saved label.
    await page.reload();
    await workspaceOn(page, A);
    expect(await page.getByTestId('choice-sentiment-negative').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('choice-topics-service').getAttribute('aria-checked')).toBe('true');
    expect(await page.locator('mark[data-label="PER"]').textContent()).toBe('Zurich');
    expect(await page.getByTestId('pair-chat-prompt').inputValue()).toBe('Where did Ann meet Acme?');
    expect(await page.getByTestId('text-note').inputValue()).toBe('Looks fine ✓, twice');
    expect(await page.getByTestId('rating-stars-5').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('choice-animal-cat').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('box').count()).toBe(1);
    expect(await page.getByTestId('toggle-reviewed').getAttribute('aria-pressed')).toBe('true');

    // The history lists the changes, newest first, with who made them.
    const entries = page.getByTestId('history-entry');
    await expect.poll(() => entries.count()).toBeGreaterThan(15);
    expect(await entries.first().getAttribute('data-field')).toBe('boxes');
    await context.close();
  });

  it('writes screenshots of each field kind and the history panel, light and dark, with no serious axe violations', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await open(`#/annotate/${datanets.Everything}/${ids.A}`, scheme);
      await workspaceOn(page, ids.A!);
      await page.getByTestId('history-entry').first().waitFor();
      await page.screenshot({ path: screenshotPath(`annotate-workspace-${scheme}`) });
      for (const field of EVERY_KIND.fields) {
        await page.getByTestId(`field-${field.name}`).screenshot({ path: screenshotPath(`annotate-field-${field.kind}-${scheme}`) });
      }
      await shootChecked(page, `annotate-history-${scheme}`, { target: page.getByTestId('history-panel') });
      if (scheme === 'light') await checkSmallWindow(page, 'annotate-workspace');
      await page.keyboard.press('?');
      await page.getByTestId('shortcuts-dialog').waitFor();
      await shootChecked(page, `annotate-shortcuts-${scheme}`);
      await context.close();
    }
  });

  it('opens the shortcut list with ?, and its keys stay inert while the list or a text box has focus', async () => {
    const { context, page } = await open(`#/annotate/${datanets.Everything}/${ids.B}`);
    await workspaceOn(page, ids.B!);
    await page.keyboard.press('?');
    const dialog = page.getByTestId('shortcuts-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Next unlabeled.*Undo/s);
    await page.keyboard.press('1');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByTestId('text-note').click();
    await page.keyboard.type('jk1r');
    await page.keyboard.press('Escape');
    await expect.poll(() => labelsOf(ids.B!).note).toBe('jk1r');
    expect(labelsOf(ids.B!).sentiment).toBeUndefined();
    expect(labelsOf(ids.B!).$reviewed).toBeUndefined();
    expect(page.url()).toContain(ids.B!);
    await context.close();
  });

  it('undoes and redoes across items through the event log (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y)', async () => {
    const { X, Y } = ids as { X: string; Y: string };
    const { context, page } = await open(`#/annotate/${datanets.Pair}/${X}`);
    await workspaceOn(page, X);
    await page.keyboard.press('1');
    await expect.poll(() => labelsOf(X).sentiment).toBe('positive');
    await page.keyboard.press('2');
    await expect.poll(() => labelsOf(X).sentiment).toBe('negative');
    await page.keyboard.press('j');
    await workspaceOn(page, Y);
    await page.keyboard.press('3');
    await expect.poll(() => labelsOf(Y).sentiment).toBe('neutral');

    await page.keyboard.press('Control+z');
    await expect.poll(() => labelsOf(Y).sentiment).toBeUndefined();
    await expect.poll(() => page.getByTestId('choice-sentiment-neutral').getAttribute('aria-checked')).toBe('false');
    // The next undo is on the other item: the view goes there.
    await page.keyboard.press('Control+z');
    await workspaceOn(page, X);
    await expect.poll(() => labelsOf(X).sentiment).toBe('positive');
    await expect.poll(() => page.getByTestId('choice-sentiment-positive').getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => labelsOf(X).sentiment).toBe('negative');
    await page.keyboard.press('Control+y');
    await workspaceOn(page, Y);
    await expect.poll(() => labelsOf(Y).sentiment).toBe('neutral');
    const kinds = app.backend.datanets.annotations.history(X).map((e) => e.kind);
    expect(kinds.slice(-4)).toEqual(['set', 'set', 'undo', 'redo']);
    await expect.poll(() => page.getByTestId('history-entry').first().getAttribute('data-kind')).toBe('redo');

    // Every change goes back in turn, down to the first of a field changed twice.
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelsOf(Y).sentiment).toBeUndefined();
    await page.keyboard.press('Control+z');
    await workspaceOn(page, X);
    await expect.poll(() => labelsOf(X).sentiment).toBe('positive');
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelsOf(X).sentiment).toBeUndefined();
    await expect.poll(() => page.getByTestId('choice-sentiment-positive').getAttribute('aria-checked')).toBe('false');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => labelsOf(X).sentiment).toBe('positive');
    await context.close();
  });

  it('moves with arrows, j/k, next unlabeled and skip, and says so at the ends', async () => {
    const { X, Y, Z } = ids as { X: string; Y: string; Z: string };
    const s = app.backend.datanets;
    const schema = s.datanets.get(datanets.Pair!).schema;
    s.annotations.set(schema, Y, 'sentiment', 'positive', 'seed');
    s.annotations.set(schema, X, 'sentiment', null, 'seed');
    s.annotations.set(schema, Z, 'sentiment', null, 'seed');
    const { context, page } = await open(`#/annotate/${datanets.Pair}/${X}`);
    await workspaceOn(page, X);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('annotate-notice').textContent()).toBe('This is the first item.');
    await page.keyboard.press('ArrowRight');
    await workspaceOn(page, Y);
    await page.keyboard.press('k');
    await workspaceOn(page, X);
    await page.keyboard.press('u');
    await workspaceOn(page, Z);
    // Skip Z: next unlabeled wraps to X, and X skipped leaves nothing.
    await page.keyboard.press('s');
    await workspaceOn(page, X);
    await page.keyboard.press('s');
    await expect.poll(() => page.getByTestId('annotate-notice').textContent()).toBe('Every other item has a label.');
    await context.close();
  });

  it('puts a value back and says why when the backend refuses a save', async () => {
    const { context, page } = await open(`#/annotate/${datanets.Pair}/${ids.Z}`);
    await workspaceOn(page, ids.Z!);
    const annotations = app.backend.datanets.annotations;
    const real = annotations.set.bind(annotations);
    annotations.set = () => {
      throw new ApiFailure({ code: 'conflict', message: 'The database is read-only for this test.' });
    };
    try {
      await page.keyboard.press('2');
      await page.getByTestId('save-error').waitFor();
      expect(await page.getByTestId('save-error').textContent()).toMatch(/Could not save “sentiment”.*read-only for this test/);
      await expect.poll(() => page.getByTestId('choice-sentiment-negative').getAttribute('aria-checked')).toBe('false');
      await page.screenshot({ path: screenshotPath('annotate-save-error-light') });
      // Dismiss sits in the message's box and closes it.
      await page.getByTestId('save-error').getByRole('button', { name: 'Dismiss' }).click();
      expect(await page.getByTestId('save-error').count()).toBe(0);
    } finally {
      annotations.set = real;
    }
    expect(labelsOf(ids.Z!).sentiment).toBeUndefined();
    await context.close();
  });

  it('says so when a link names an item that is not there, and offers no way to move from it', async () => {
    const { context, page } = await open(`#/annotate/${datanets.Pair}/it_000000000000000000000000`);
    await expect.poll(() => page.getByTestId('annotate-position').textContent()).toBe('Could not find this item’s place in the datanet.');
    for (const button of ['nav-previous', 'nav-next', 'nav-unlabeled', 'nav-skip']) expect(await page.getByTestId(button).isDisabled(), button).toBe(true);
    // A real item's view has them on again.
    await page.goto(page.url().replace(/#.*/, `#/annotate/${datanets.Pair}/${ids.X}`));
    await workspaceOn(page, ids.X!);
    expect(await page.getByTestId('nav-next').isDisabled()).toBe(false);
    await context.close();
  });

  it('keeps a 1 MB text and an 8000×8000 image responsive (chunked text, thumbnail first)', async () => {
    const { context, page } = await open(`#/annotate/${datanets.Long}/${ids.long}`);
    const t = Date.now();
    await workspaceOn(page, ids.long!);
    const openMs = Date.now() - t;
    expect(await page.locator('.spans-chunk').count()).toBeGreaterThan(400);
    const k = Date.now();
    await page.keyboard.press('3');
    await expect.poll(() => labelsOf(ids.long!).sentiment, { interval: 5 }).toBe('neutral');
    const keyMs = Date.now() - k;
    expect(openMs, 'open a 1 MB item').toBeLessThan(5000);
    expect(keyMs, 'a key press on a page holding 1 MB of text').toBeLessThan(1000);
    await page.screenshot({ path: screenshotPath('annotate-long-text-light') });
    expect(await page.getByTestId('item-column-context').getAttribute('tabindex')).toBe('0');
    await checkAxe(page, 'annotate-long-text');

    await goTo(page, `#/annotate/${datanets['Huge image']}/${ids.huge}`);
    await workspaceOn(page, ids.huge!);
    const img = page.locator('.boxes-image');
    const item = app.backend.datanets.items.get(ids.huge!);
    expect(await img.getAttribute('src')).toBe(`/blobs/${item.content.image!.thumbCid}`);
    await expect.poll(() => page.evaluate<boolean>(`(() => { const el = document.querySelector('.boxes-image'); return el.complete && el.naturalWidth > 0; })()`)).toBe(true);
    await page.screenshot({ path: screenshotPath('annotate-huge-image-light') });
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
