// Key press to saved label in the annotate view, in Chromium against `studio serve`, on a datanet
// of N items (default 1,000,000). Presses a choice key on an item, waits until the label is
// committed in SQLite, goes to the next item (untimed), and again, 200 times (labels 1, 2, 3 in turn).
//
//   node scripts/run-ts.mjs bench/annotate-latency.ts [items] [presses]
//
// Two measures of the same presses, both ending when annotations.set has returned, that is when
// its SQLite transaction (event + current label) has committed:
//  - page: from the keydown event in the page (performance.timeOrigin + now(), a capture listener
//    on window, so before React sees it) to the commit (the same epoch clock in Node). This is
//    what the user waits for; Chromium and Node read the same system clock.
//  - node: from the moment Node sends the key press (Playwright → CDP Input.dispatchKeyEvent) to
//    the commit: one clock, and an upper bound (it includes the CDP hop into the page).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBackend } from '../electron/backend';
import { rendererDir } from '../electron/paths';
import { startServer } from '../electron/server';
import { launchChromium } from '../test/fixtures/browser';
import { fillDatanet, percentile } from './million-items';

const N = Number(process.argv[2] ?? 1_000_000);
const PRESSES = Number(process.argv[3] ?? 200);
const WARMUP = 10;
const LIMIT_MS = 50;
const now = () => performance.timeOrigin + performance.now();

if (!fs.existsSync(path.join(rendererDir(), 'index.html'))) throw new Error('run `npm run build` first: the benchmark serves the built UI');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-annotate-'));
const backend = openBackend({ dataDir, runtime: 'server', quiet: true });
const server = await startServer({ backend, rendererDir: rendererDir(), port: 0 });
const browser = await launchChromium();
try {
  const t = performance.now();
  const { datanet, seqs } = fillDatanet(backend, 'bench', N);
  console.log(`datanet: ${N} items in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // The commit time of each save: annotations.set returns after its transaction has committed.
  const annotations = backend.datanets.annotations;
  const set = annotations.set.bind(annotations);
  let committed: ((at: number) => void) | null = null;
  annotations.set = (...args: Parameters<typeof set>) => {
    const event = set(...args);
    committed?.(now());
    return event;
  };

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(server.openUrl);
  await page.getByTestId('nav-datanets').waitFor();
  await page.evaluate(`window.__keyTimes = []; addEventListener('keydown', (e) => { if (/^[0-9]$/.test(e.key)) window.__keyTimes.push(performance.timeOrigin + performance.now()); }, true)`);
  // Start in the middle of the datanet: no cache or index position helps the first item.
  const start = backend.datanets.db.prepare('SELECT id FROM items WHERE seq = ?').pluck().get(seqs[Math.floor(seqs.length / 2)]) as string;
  await page.evaluate(`location.hash = ${JSON.stringify(`#/annotate/${datanet.id}/${start}`)}`);

  const pageMs: number[] = [];
  const nodeMs: number[] = [];
  let itemId = start;
  for (let i = 0; i < PRESSES + WARMUP; i++) {
    await page.locator(`[data-testid="annotate-workspace"][data-item-id="${itemId}"] [data-testid="annotation-form"]`).waitFor();
    const saved = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`press ${i}: no save within 5 s`)), 5000);
      committed = (at) => {
        clearTimeout(timer);
        committed = null;
        resolve(at);
      };
    });
    const sent = now();
    await page.keyboard.press(String(1 + (i % 3)));
    const at = await saved;
    const keydown = await page.evaluate<number>('window.__keyTimes.at(-1)');
    if (i >= WARMUP) {
      pageMs.push(at - keydown);
      nodeMs.push(at - sent);
    }
    // On to the next item, untimed.
    await page.keyboard.press('j');
    // The workspace shows no item ('') while the next one loads.
    await page.locator(`[data-testid="annotate-workspace"]:not([data-item-id=""]):not([data-item-id="${itemId}"])`).waitFor();
    itemId = (await page.getByTestId('annotate-workspace').getAttribute('data-item-id'))!;
  }
  const line = (what: string, ms: number[]) => {
    const p95 = percentile(ms, 95);
    console.log(
      `${what.padEnd(36)} p50 ${percentile(ms, 50).toFixed(2).padStart(6)} ms   p95 ${p95.toFixed(2).padStart(6)} ms   max ${Math.max(...ms).toFixed(2).padStart(6)} ms   limit ${LIMIT_MS} ms   ratio p95/limit ${(p95 / LIMIT_MS).toFixed(3)}`,
    );
  };
  console.log(`${PRESSES} presses (after ${WARMUP} warm-up), each on another item`);
  line('keydown in page → label committed', pageMs);
  line('key sent by Node → label committed', nodeMs);
} finally {
  await browser.close();
  await server.close();
  await backend.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
