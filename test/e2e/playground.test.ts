/**
 * The Playground in Chromium against the served app: a chat streamed from a tiny model, the
 * adapter trained from a datanet version switched in mid-conversation, Stop (the button and
 * Escape) ending a generation that would run on, a raw completion, and the conversations kept
 * across a reload and across leaving for another page mid-answer.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datanet } from '../../shared/api/schemas/datanets';
import { checkSmallWindow, goTo, openApp, shootBothThemes, startBrowserApp } from '../fixtures/app-page';
import { installEndlessModel, installTinyModel, seedSumsDatanet, trainAdapter } from '../fixtures/model-factory';
import type { ServedApp } from '../fixtures/served-app';

let app: ServedApp;
let browser: Browser;
let datanet: Datanet;
let page: Page;
let closePage: () => Promise<void>;
const problems: string[] = [];

/** 30 characters: an adapter name as people write them, shown whole in the picker. */
const LONG_ADAPTER = 'product-reviews-v3-quick-lora1';

const answers = () => page.getByTestId('pg-message-assistant');

/** Sends a message with the keyboard and waits for its answer to finish; returns the answer's stats line. */
async function ask(text: string): Promise<string> {
  const before = await answers().count();
  await page.getByTestId('pg-composer').fill(text);
  await page.getByTestId('pg-composer').press('Enter');
  const answer = answers().nth(before);
  await expect.poll(() => answer.getByTestId('pg-message-stats').textContent(), { timeout: 30_000 }).toMatch(/tokens\/s · /);
  return (await answer.getByTestId('pg-message-stats').textContent()) ?? '';
}

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  datanet = await seedSumsDatanet(app);
  await installTinyModel(app, 'tiny-qwen', { architecture: 'qwen2', seed: 3 });
  await trainAdapter(app, { model: 'tiny-qwen', datanet: datanet.id, out: 'sums-adapter', steps: 40 });
  await trainAdapter(app, { model: 'tiny-qwen', datanet: datanet.id, out: LONG_ADAPTER, steps: 2 });
  await installEndlessModel(app, 'endless');
  const { context, page: opened } = await openApp(browser, app, { viewport: { width: 1280, height: 900 }, problems });
  page = opened;
  closePage = () => context.close();
});

afterAll(async () => {
  await closePage();
  await browser.close();
  await app.close();
  expect(problems).toEqual([]);
});

describe('the Playground', () => {
  it('chats with the base model, then with the trained adapter switched in mid-conversation, light and dark', async () => {
    await goTo(page, '#/playground');
    await page.getByTestId('playground').waitFor();
    await page.getByTestId('pg-model').selectOption('tiny-qwen');
    expect(await page.getByTestId('pg-adapter').inputValue()).toBe('');
    // Greedy, short answers: the same question gives the same answer every run.
    await page.getByTestId('sampling').locator('summary').click();
    await page.getByTestId('sampling-temperature').fill('0');
    await page.getByTestId('sampling-maxTokens').fill('12');

    const first = await ask('What is 3 plus one?');
    expect(first).toMatch(/^\d+ tokens · \d+\.\d tokens\/s · (finished|reached the length limit)/);
    expect(await answers().nth(0).locator('.pg-message-who').textContent()).toBe('tiny-qwen');
    const baseText = await answers().nth(0).getByTestId('pg-message-text').textContent();

    await page.getByTestId('pg-adapter').selectOption('sums-adapter');
    await ask('What is 3 plus one?');
    expect(await answers().nth(1).locator('.pg-message-who').textContent()).toBe('tiny-qwen + sums-adapter');
    const tunedText = await answers().nth(1).getByTestId('pg-message-text').textContent();
    // The adapter learned "It is N." from the datanet: it writes something other than the base does.
    expect(tunedText).not.toBe(baseText);
    // The conversation's title is its first message; focus stays in the composer for the next one.
    expect(await page.getByTestId('pg-conversation').first().textContent()).toContain('What is 3 plus one?');
    expect(await page.evaluate('document.activeElement?.dataset.testid')).toBe('pg-composer');
    // Shift+Enter is a new line, not a send.
    await page.getByTestId('pg-composer').fill('two');
    await page.getByTestId('pg-composer').press('Shift+Enter');
    expect(await page.getByTestId('pg-composer').inputValue()).toBe('two\n');
    expect(await answers().count()).toBe(2);
    await page.getByTestId('pg-composer').fill('');
    await shootBothThemes(page, 'playground-chat');
    await checkSmallWindow(page, 'playground-chat');
  }, 60_000);

  it('streams a long answer, and Stop (the button, then Escape) ends it with the text so far', async () => {
    await page.getByTestId('pg-new-chat').click();
    await page.getByTestId('pg-model').selectOption('endless');
    await page.getByTestId('sampling-maxTokens').fill('4000');
    await page.getByTestId('sampling-temperature').fill('0.8');

    for (const how of ['button', 'escape'] as const) {
      const i = await answers().count();
      await page.getByTestId('pg-composer').fill(`Tell me everything (${how})`);
      await page.getByTestId('pg-composer').press('Enter');
      const answer = answers().nth(i);
      // Text arrives while the answer is still being written.
      await expect.poll(async () => ((await answer.getByTestId('pg-message-text').textContent()) ?? '').length, { timeout: 30_000 }).toBeGreaterThan(20);
      expect(await answer.getAttribute('data-streaming')).toBe('true');
      await expect.poll(() => answer.getByTestId('pg-message-stats').textContent()).toMatch(/tokens\/s…$/);
      if (how === 'button') {
        // Check the page once the answer overflows the conversation list: a list that scrolls with no button in it must itself take focus.
        const overflows = `(() => { const l = document.querySelector('[data-testid="pg-messages"]'); return l.scrollHeight > l.clientHeight; })()`;
        await expect.poll(() => page.evaluate(overflows), { timeout: 30_000 }).toBe(true);
        await shootBothThemes(page, 'playground-streaming');
        await page.getByTestId('pg-stop').click();
      } else {
        await page.keyboard.press('Escape');
      }
      await expect.poll(() => answer.getByTestId('pg-message-stats').textContent(), { timeout: 30_000 }).toMatch(/ · stopped$/);
      const tokens = Number((await answer.getByTestId('pg-message-stats').textContent())!.split(' ')[0]);
      expect(tokens).toBeGreaterThan(0);
      expect(tokens).toBeLessThan(4000);
      expect(await answer.getAttribute('data-streaming')).toBeNull();
    }
    await expect.poll(() => page.getByTestId('pg-announce').textContent()).toMatch(/^Answer stopped: \d+ tokens\.$/);
  }, 90_000);

  it('continues a text in completion mode (Ctrl+Enter), and keeps every conversation across a reload', async () => {
    await page.getByTestId('pg-new-completion').click();
    await page.getByTestId('pg-model').selectOption('tiny-qwen');
    await page.getByTestId('sampling-maxTokens').fill('10');
    await page.getByTestId('sampling-temperature').fill('0');
    const area = page.getByTestId('pg-completion-text');
    await area.fill('the cat sat on');
    await area.press('Control+Enter');
    await expect.poll(() => page.getByTestId('pg-completion-stats').textContent(), { timeout: 30_000 }).toMatch(/^\d+ tokens · /);
    const completed = await area.inputValue();
    expect(completed.startsWith('the cat sat on')).toBe(true);
    expect(completed.length).toBeGreaterThan('the cat sat on'.length);

    await page.reload();
    await goTo(page, '#/playground');
    await page.getByTestId('playground').waitFor();
    expect(await page.getByTestId('pg-conversation').count()).toBe(3);
    // The newest (this completion) is open again, with its text.
    expect(await page.getByTestId('pg-completion-text').inputValue()).toBe(completed);
    await page.getByTestId('pg-conversation').nth(2).click();
    expect(await answers().count()).toBe(2);
    expect(await answers().nth(1).locator('.pg-message-who').textContent()).toBe('tiny-qwen + sums-adapter');
  }, 60_000);

  it("opens a chat with an adapter from the Models page's Try link", async () => {
    await goTo(page, '#/models');
    await page.locator('[data-testid="adapter-row"][data-name="sums-adapter"]').getByRole('link', { name: /^Try/ }).click();
    await page.getByTestId('playground').waitFor();
    await expect.poll(() => page.getByTestId('pg-adapter').inputValue()).toBe('sums-adapter');
    expect(await page.getByTestId('pg-model').inputValue()).toBe('tiny-qwen');
    expect(await page.evaluate('location.hash')).toBe('#/playground');
  });

  it('shows a long adapter name whole in the picker, and on hover', async () => {
    await goTo(page, '#/playground');
    await page.getByTestId('pg-new-chat').click();
    await page.getByTestId('pg-model').selectOption('tiny-qwen');
    const select = page.getByTestId('pg-adapter');
    await select.selectOption(LONG_ADAPTER);
    expect(await select.getAttribute('title')).toBe(LONG_ADAPTER);
    expect(await select.locator('option:checked').textContent()).toBe(LONG_ADAPTER);
    // The chosen name's width in the select's font against the room inside it (padding and Chromium's arrow, about 20px, left out).
    const fit = async () =>
      page.evaluate<{ text: number; room: number }>(`(() => {
        const el = document.querySelector('[data-testid="pg-adapter"]');
        const style = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = style.font;
        return { text: ctx.measureText(el.selectedOptions[0].text).width, room: el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20 };
      })()`);
    const wide = await fit();
    expect(wide.text, `${LONG_ADAPTER} in a ${wide.room}px select`).toBeLessThanOrEqual(wide.room);
    await checkSmallWindow(page, 'playground-long-adapter', async () => {
      const small = await fit();
      expect(small.text, `${LONG_ADAPTER} in a small window's ${small.room}px select`).toBeLessThanOrEqual(small.room);
    });
  });

  it('keeps the message and the answer so far when the user leaves for another page mid-answer, and stops the generation', async () => {
    await goTo(page, '#/playground');
    await page.getByTestId('pg-new-chat').click();
    await page.getByTestId('pg-model').selectOption('endless');
    if (!(await page.getByTestId('sampling-maxTokens').isVisible())) await page.getByTestId('sampling').locator('summary').click();
    await page.getByTestId('sampling-maxTokens').fill('3500');
    await page.getByTestId('sampling-temperature').fill('0.8');
    await page.getByTestId('pg-composer').fill('Tell me everything, I will be back');
    await page.getByTestId('pg-composer').press('Enter');
    const answer = answers().last();
    const text = async () => (await answer.getByTestId('pg-message-text').textContent()) ?? '';
    await expect.poll(async () => (await text()).length, { timeout: 30_000 }).toBeGreaterThan(20);
    const seen = await text();

    let deltas = 0;
    const unsubscribe = app.backend.events.subscribe((name) => {
      if (name === 'inference.delta') deltas++;
    });
    try {
      await page.getByTestId('nav-wallet').click();
      await page.getByTestId('page-wallet').waitFor();
      // Nobody is listening any more: the backend stops writing at once (a window with no delta
      // within 3 s; left to run, the 3500 tokens take several times that).
      const deltasIn300ms = async () => {
        const before = deltas;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return deltas - before;
      };
      await expect.poll(deltasIn300ms, { timeout: 3_000 }).toBe(0);
    } finally {
      unsubscribe();
    }

    await page.getByTestId('nav-playground').click();
    await page.getByTestId('playground').waitFor();
    expect(await page.getByTestId('pg-message-user').last().getByTestId('pg-message-text').textContent()).toBe('Tell me everything, I will be back');
    expect((await text()).startsWith(seen)).toBe(true);
    expect(await answer.getByTestId('pg-message-stats').textContent()).toBe('Stopped: you left the Playground while it was being written.');
    expect(await answer.getAttribute('data-streaming')).toBeNull();
    // Nothing is running: the next message can be sent.
    await page.getByTestId('pg-composer').fill('Still there?');
    expect(await page.getByTestId('pg-send').isEnabled()).toBe(true);
  }, 60_000);
});
