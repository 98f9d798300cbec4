import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datanet } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { openApp } from '../fixtures/app-page';
import { launchChromium, screenshotPath } from '../fixtures/browser';
import { SENTIMENT } from '../fixtures/datanet-backend';
import { serveApp } from '../fixtures/served-app';

let browser: Browser;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-interrupted-'));

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('jobs stopped when the app closed', () => {
  it('are named in the status bar at the next start until the user has seen them', async () => {
    // An app closes while its import runs: the job is stopped and recorded as interrupted.
    const first = await serveApp({ dataDir });
    const d = await first.call<Datanet>('datanets.create', { name: 'Big', license: 'MIT', schema: SENTIMENT });
    const file = path.join(dataDir, 'big.jsonl');
    fs.writeFileSync(file, Array.from({ length: 200_000 }, (_, i) => JSON.stringify({ text: `line ${i} of a long file` })).join('\n'));
    const started = await first.call<{ job: Job }>('imports.start', { datanet: d.id, paths: [file] });
    await new Promise<void>((resolve) => {
      const stop = first.backend.events.subscribe((name, payload) => {
        if (name === 'job.updated' && ((payload as Job).progress.counts.items ?? 0) > 0) {
          stop();
          resolve();
        }
      });
    });
    await first.close();

    const second = await serveApp({ dataDir });
    try {
      expect((await second.call<Job[]>('jobs.list', { state: 'interrupted' })).map((j) => j.id)).toEqual([started.job.id]);
      const { context, page } = await openApp(browser, second, { problems: [] });
      const notice = page.getByTestId('status-interrupted');
      await expect.poll(() => notice.textContent()).toBe('1 job stopped when the app closed');
      await notice.click();
      const dialog = page.getByTestId('interrupted-dialog');
      await expect.poll(() => dialog.getByTestId('interrupted-list').textContent()).toContain(started.job.title);
      await page.screenshot({ path: screenshotPath('interrupted-jobs') });
      await dialog.getByTestId('interrupted-dismiss').click();
      await expect.poll(() => notice.count()).toBe(0);
      // Seen is remembered: a reload does not bring it back.
      await page.reload();
      await page.getByTestId('status-jobs').waitFor();
      await expect.poll(() => page.getByTestId('status-ledger').textContent()).toContain('Local devnet');
      expect(await notice.count()).toBe(0);
      await context.close();
    } finally {
      await second.close();
    }
  });
});
