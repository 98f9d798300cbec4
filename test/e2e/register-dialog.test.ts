// The Models page's Register dialog in Chromium against the served app: the owner share's error
// waits until the user has typed something that cannot become a share, has left the field, or has
// tried to register; an emptied field being retyped is not scolded. Shot light and dark into
// test-results/ (register-dialog-*.png) and checked by axe-core.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTinyModel, seedSumsDatanet, trainAdapter } from '../fixtures/model-factory';
import { openApp, shootBothThemes, startBrowserApp } from '../fixtures/app-page';
import type { ServedApp } from '../fixtures/served-app';

const SHARE_ERROR = 'The owner share must be a percentage from 0 to 100, with at most two decimals.';

let app: ServedApp;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
  const datanet = await seedSumsDatanet(app);
  await installTinyModel(app, 'tiny-qwen', { architecture: 'qwen2', seed: 3 });
  await trainAdapter(app, { model: 'tiny-qwen', datanet: datanet.id, out: 'sums-adapter', steps: 2 });
  ({ page } = await openApp(browser, app, { viewport: { width: 1280, height: 900 }, hash: '#/models', problems }));
}, 120_000);

afterAll(async () => {
  await browser.close();
  await app.close();
});

describe('the Register dialog', () => {
  it('shows the share error only once the share typed cannot be one, the field is left, or not before', async () => {
    await page.locator('[data-testid="adapter-row"][data-name="sums-adapter"]').getByTestId('adapter-register').click();
    const dialog = page.getByTestId('register-dialog');
    const share = dialog.getByTestId('register-share');
    const error = dialog.getByTestId('register-share-error');
    await share.waitFor();
    expect(await share.inputValue()).toBe('20');
    expect(await error.count(), 'no error when the dialog opens').toBe(0);

    // Emptied to type another: nothing typed yet, so nothing to complain about.
    await share.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    expect(await share.inputValue()).toBe('');
    expect(await error.count(), 'an emptied field still being edited is not an error').toBe(0);
    expect(await share.getAttribute('aria-invalid')).toBeNull();
    await page.keyboard.type('12.');
    expect(await error.count(), '"12." on its way to "12.5" is not an error').toBe(0);
    await shootBothThemes(page, 'register-dialog-typing', { target: dialog.locator('.dialog-panel') });

    // Something no typing can fix is said at once.
    await share.fill('150');
    expect(await error.textContent()).toBe(SHARE_ERROR);
    expect(await share.getAttribute('aria-invalid')).toBe('true');

    // Left empty: said once the field is left.
    await share.fill('');
    expect(await error.count()).toBe(0);
    await share.press('Tab');
    expect(await error.textContent()).toBe(SHARE_ERROR);
    await shootBothThemes(page, 'register-dialog-left-empty', { target: dialog.locator('.dialog-panel') });

    await share.fill('25');
    expect(await error.count()).toBe(0);
    expect(await share.getAttribute('aria-invalid')).toBeNull();
    expect(problems).toEqual([]);
  }, 60_000);
});
