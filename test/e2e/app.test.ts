import fs from 'node:fs';
import path from 'node:path';
import type { Browser, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAxe, checkSmallWindow, openApp, startBrowserApp } from '../fixtures/app-page';
import { screenshotPath } from '../fixtures/browser';
import type { ServedApp } from '../fixtures/served-app';

const PAGES = ['datanets', 'annotate', 'train', 'models', 'playground', 'contributions', 'wallet', 'settings'] as const;

let app: ServedApp;
let browser: Browser;
const problems: string[] = [];

const open = (colorScheme: 'light' | 'dark' = 'light') => openApp(browser, app, { colorScheme, problems });

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
});

afterAll(async () => {
  await browser.close();
  await app.close();
});

describe('the app in Chromium, served by studio serve', () => {
  it('loads from the printed URL, drops the token from the address, and connects', async () => {
    const { context, page } = await open();
    expect(page.url()).toBe(`${app.server.url}#/datanets`);
    await expect.poll(() => page.getByTestId('status-connection').count()).toBe(0);
    await expect.poll(() => page.getByTestId('status-ledger').textContent()).toContain('Local devnet (anvil)');
    await expect.poll(() => page.getByTestId('status-outbox').textContent()).toMatch(/0/);
    expect(await page.getByTestId('status-online').getAttribute('data-online')).toBe('true');
    await context.close();
  });

  it('says "Nothing to send" before any sync, and "unknown" for what it last knew while the backend is out of reach', async () => {
    const { context, page } = await openApp(browser, app, { problems: [] });
    // Every socket to /api goes through here, so the test can cut the connection and refuse new ones.
    let down = false;
    const sockets: WebSocketRoute[] = [];
    await context.routeWebSocket(/\/api/, (ws) => {
      if (down) return void ws.close();
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.reload();
    await expect.poll(() => page.getByTestId('status-connection').count()).toBe(0);
    await expect.poll(() => page.getByTestId('status-sync').textContent()).toBe('Nothing to send');
    await expect.poll(() => page.getByTestId('status-jobs').textContent()).toBe('No jobs running');

    down = true;
    for (const ws of sockets) await ws.close();
    await expect.poll(() => page.getByTestId('status-connection').textContent()).toContain('Reconnecting…');
    expect(await page.getByTestId('status-outbox').textContent()).toBe('Outbox unknown');
    expect(await page.getByTestId('status-jobs').textContent()).toBe('Jobs unknown');
    expect(await page.getByTestId('status-ledger').textContent()).toBe('Ledger unknown');
    await page.screenshot({ path: screenshotPath('statusbar-reconnecting') });

    down = false;
    const retry = page.getByTestId('status-connection').getByRole('button', { name: 'Retry now' });
    if (await retry.isVisible()) await retry.click();
    await expect.poll(() => page.getByTestId('status-connection').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('status-sync').textContent()).toBe('Nothing to send');
    expect(await page.getByTestId('status-jobs').textContent()).toBe('No jobs running');
    await context.close();
  });

  it('navigates to every page by the sidebar, screenshots each in light and dark, and axe-core finds no serious problem', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await open(scheme);
      for (const id of PAGES) {
        await page.getByTestId(`nav-${id}`).click();
        await page.getByTestId(`page-${id}`).waitFor();
        expect(page.url()).toMatch(new RegExp(`#/${id}$`));
        expect(await page.getByTestId(`nav-${id}`).getAttribute('aria-current')).toBe('page');
        await page.screenshot({ path: screenshotPath(`${id}-${scheme}`) });
        await checkAxe(page, `the ${id} page, ${scheme}`);
      }
      await context.close();
    }
    for (const id of PAGES) expect(fs.statSync(screenshotPath(`${id}-dark`)).size).toBeGreaterThan(5000);
  });

  it('fits every page in a small window: no sideways scrolling of the main area, and axe-core finds no serious problem', async () => {
    const { context, page } = await open();
    for (const id of PAGES) {
      await page.getByTestId(`nav-${id}`).click();
      await page.getByTestId(`page-${id}`).waitFor();
      await checkSmallWindow(page, id, async () => {
        // The sidebar keeps only its icons; each link keeps its name for screen readers.
        expect((await page.getByRole('navigation', { name: 'Pages' }).boundingBox())!.width).toBeLessThan(80);
        expect(await page.getByRole('link', { name: 'Contributions' }).count()).toBe(1);
      });
    }
    await context.close();
  });

  it('switches pages with Ctrl+1…8', async () => {
    const { context, page } = await open();
    await page.keyboard.press('Control+8');
    await page.getByTestId('page-settings').waitFor();
    await page.keyboard.press('Control+2');
    await page.getByTestId('page-annotate').waitFor();
    expect(page.url()).toMatch(/#\/annotate$/);
    await context.close();
  });

  it('round-trips through the API: a theme chosen in Settings is saved by the backend and survives a reload', async () => {
    const { context, page } = await open();
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('app-version').textContent()).toBe('0.1.0');
    await page.getByTestId('theme-select').selectOption('dark');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await expect.poll(async () => (await app.call<{ theme: string }>('settings.get')).theme).toBe('dark');
    await page.reload();
    await page.getByTestId('theme-select').waitFor();
    // The settings arrive over the socket after the page draws.
    await expect.poll(() => page.getByTestId('theme-select').inputValue()).toBe('dark');
    await page.getByTestId('theme-select').selectOption('system');
    await expect.poll(async () => (await app.call<{ theme: string }>('settings.get')).theme).toBe('system');
    await context.close();
  });

  it('shows the typed error next to the field the backend names, then saves a valid network', async () => {
    const { context, page } = await open();
    await page.getByTestId('nav-settings').click();
    await page.getByLabel(/custom evm json-rpc/i).check();
    await page.getByLabel(/^name/i).fill('OpenLedger testnet');
    await page.getByLabel(/rpc url/i).fill('not-a-url');
    await page.getByLabel(/chain id/i).fill('1612');
    await page.getByTestId('ledger-save').click();
    await expect.poll(() => page.getByTestId('ledger-error').textContent()).toMatch(/URL/);
    await page.screenshot({ path: screenshotPath('settings-ledger-error') });
    await page.getByLabel(/rpc url/i).fill('https://rpc.testnet.example.org');
    // Unsaved edits outlive a trip to another page (Ctrl+1) and a reload.
    await expect.poll(() => page.getByTestId('ledger-unsaved').textContent()).toBe('Not saved yet.');
    await page.keyboard.press('Control+1');
    await expect.poll(() => page.url()).not.toContain('#/settings');
    await page.getByTestId('nav-settings').click();
    expect(await page.getByLabel(/rpc url/i).inputValue()).toBe('https://rpc.testnet.example.org');
    await page.reload();
    expect(await page.getByLabel(/^name/i).inputValue()).toBe('OpenLedger testnet');
    expect(await page.getByLabel(/rpc url/i).inputValue()).toBe('https://rpc.testnet.example.org');
    expect(await page.getByTestId('ledger-unsaved').isVisible()).toBe(true);
    await page.getByTestId('ledger-save').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('settings-ledger-unsaved') });
    // A number the backend refuses is said in a sentence, not in zod's words ("expected int, received number").
    for (const value of ['2.5', '0']) {
      await page.getByLabel(/^confirmations/i).fill(value);
      await page.getByTestId('ledger-save').click();
      await expect.poll(() => page.getByTestId('ledger-error').textContent()).toBe('Confirmations must be a whole number from 1 to 1,000, or empty for the default.');
      expect(await page.getByLabel(/^confirmations/i).getAttribute('aria-invalid')).toBe('true');
    }
    await page.getByLabel(/^confirmations/i).fill('');
    await page.getByTestId('ledger-save').click();
    await expect.poll(() => page.getByTestId('status-ledger').textContent()).toContain('OpenLedger testnet');
    expect(await app.call('settings.get')).toMatchObject({ ledger: { kind: 'rpc', chainId: 1612 } });
    expect(await page.getByTestId('ledger-unsaved').count()).toBe(0);
    // Discard puts the saved network back in the form, and nothing is kept for the next visit.
    await page.getByLabel(/rpc url/i).fill('https://elsewhere.example.org');
    await page.getByTestId('ledger-discard').click();
    expect(await page.getByLabel(/rpc url/i).inputValue()).toBe('https://rpc.testnet.example.org');
    await page.reload();
    expect(await page.getByLabel(/rpc url/i).inputValue()).toBe('https://rpc.testnet.example.org');
    await app.call('settings.update', { ledger: { kind: 'devnet' } });
    await expect.poll(() => page.getByTestId('status-ledger').textContent()).toContain('Local devnet');
    await context.close();
  });

  it('backs up the database as a job and shows where the copy went', async () => {
    const { context, page } = await open();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('backup-button').click();
    const result = page.getByTestId('backup-result');
    await expect.poll(() => result.getAttribute('data-state')).toBe('succeeded');
    const text = (await result.textContent()) ?? '';
    const file = /(\/\S+\.db)/.exec(text)?.[1];
    expect(file, text).toBeDefined();
    expect(fs.existsSync(file!)).toBe(true);
    expect(file!.startsWith(path.join(app.dataDir, 'backups'))).toBe(true);
    await context.close();
  });

  it('runs the diagnostics and shows each check', async () => {
    const { context, page } = await open();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('doctor-button').click();
    const report = page.getByTestId('doctor-report');
    await report.waitFor({ timeout: 40_000 });
    expect(await report.getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('doctor-check-sqlite').getAttribute('data-status')).toBe('ok');
    expect(await page.getByTestId('doctor-check-anvil').getAttribute('data-status')).toBe('ok');
    // SwiftShader gives this headless window a WebGPU adapter.
    await expect.poll(() => page.getByTestId('doctor-window-webgpu').textContent()).toMatch(/SwiftShader|available|found/i);
    await page.getByTestId('doctor-report').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('settings-diagnostics'), fullPage: true });
    await context.close();
  });

  it('starts the inference server from Settings: its URL and key answer an OpenAI request; then stops it', async () => {
    const { context, page } = await open();
    await page.getByTestId('nav-settings').click();
    const section = page.getByTestId('inference-server-section');
    // A port the schema refuses is said in a sentence beside the field, not the validator's words.
    const port = section.getByLabel(/port/i);
    for (const text of ['abc', '99999', '1.5']) {
      await port.fill(text);
      await section.getByTestId('inference-server-start').click();
      await expect.poll(() => section.getByRole('alert').textContent()).toBe('Port must be a whole number from 1 to 65535.');
      expect(await port.getAttribute('aria-invalid')).toBe('true');
      expect(await port.getAttribute('aria-describedby')).toContain('inference-server-port-error');
    }
    expect(await app.call('inference.server.status')).toMatchObject({ running: false });
    await port.fill('');
    await section.getByTestId('inference-server-start').click();
    const url = (await section.getByTestId('inference-server-url').textContent({ timeout: 10_000 })) ?? '';
    const key = (await section.getByTestId('inference-server-key').textContent()) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(models.status).toBe(200);
    expect(await models.json()).toMatchObject({ object: 'list' });
    // The example command holds the key whole on one line, even in a narrow window (copied, a broken key fails).
    const example = section.getByTestId('inference-server-example');
    expect(await example.textContent()).toBe(`curl ${url}/models \\\n  -H "Authorization: Bearer ${key}"`);
    await page.setViewportSize({ width: 900, height: 800 });
    const keyLines = await page.evaluate(`(() => {
      const text = document.querySelector('[data-testid="inference-server-example"]').firstChild;
      const range = document.createRange();
      range.setStart(text, text.data.indexOf('Bearer'));
      range.setEnd(text, text.data.length - 1);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    })()`);
    expect(keyLines).toBe(1);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('settings-inference-server') });
    await checkAxe(page, 'the settings page with the inference server running');
    await section.getByTestId('inference-server-stop').click();
    await section.getByTestId('inference-server-start').waitFor();
    expect(await app.call('inference.server.status')).toMatchObject({ running: false });
    await context.close();
  });

  it('counts the inference server\'s answered requests on screen as they come, leaving out refused ones', async () => {
    const { context, page } = await open();
    await page.getByTestId('nav-settings').click();
    const section = page.getByTestId('inference-server-section');
    // Time stands still from here (installed, it flows on) and moves only by runFor: the refresh is
    // asked for after a given time, not found by luck.
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    await section.getByTestId('inference-server-start').click();
    const url = (await section.getByTestId('inference-server-url').textContent({ timeout: 10_000 })) ?? '';
    const key = (await section.getByTestId('inference-server-key').textContent()) ?? '';
    const counters = section.getByTestId('inference-server-counters');
    expect(await counters.textContent()).toBe('0 answered, 0 tokens generated');
    const chat = (body: string, auth = `Bearer ${key}`) => fetch(`${url}/chat/completions`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
    const refused = [
      (await fetch(`${url}/models`)).status,
      (await fetch(`${url}/models`, { headers: { authorization: 'Bearer sk-wrong-key' } })).status,
      (await chat(JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }))).status,
      (await chat('{bad')).status,
    ];
    expect(refused).toEqual([401, 401, 404, 400]);
    expect((await fetch(`${url}/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    // Two seconds with the section open are enough to see it, without a reload.
    await page.clock.runFor(2000);
    await expect.poll(() => counters.textContent(), { timeout: 3000 }).toBe('1 answered, 0 tokens generated');
    await section.getByTestId('inference-server-stop').click();
    await section.getByTestId('inference-server-start').waitFor();
    await context.close();
  });

  it('shows a job running in the status bar with its progress', async () => {
    const { context, page } = await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    app.backend.jobs.start({ kind: 'test.e2e', title: 'Importing 40 files', unit: 'files', total: 40 }, async (job) => {
      job.progress({ done: 10 });
      await gate;
      return null;
    });
    const jobs = page.getByTestId('status-jobs');
    await expect.poll(() => jobs.textContent()).toContain('Importing 40 files');
    await expect.poll(() => jobs.textContent()).toContain('25%');
    await page.screenshot({ path: screenshotPath('status-bar-job') });
    release();
    await expect.poll(() => jobs.textContent()).not.toContain('Importing 40 files');
    await context.close();
  });

  it('tells the user when the window goes offline', async () => {
    const { context, page } = await open();
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('status-online').getAttribute('data-online')).toBe('false');
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('status-online').getAttribute('data-online')).toBe('true');
    await context.close();
  });

  it('refuses a browser that has not been given the token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(app.server.url);
    expect(response?.status()).toBe(401);
    await context.close();
  });

  it('ran without console errors or CSP violations', () => {
    // Going offline makes the socket retry; that is expected noise, anything else is a bug.
    expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|WebSocket connection/.test(p))).toEqual([]);
  });
});
