// A datanet of N items (default 1,000,000): page, search and annotation latency against the
// issue's limits, each printed as measured / limit (below 1 is within the limit).
//
//   node scripts/run-ts.mjs bench/datanet-1m.ts [items]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBackend } from '../electron/backend';
import { fillDatanet, percentile, rng, WORDS } from './million-items';

const N = Number(process.argv[2] ?? 1_000_000);
/** Through the API router, as the UI calls it: input and output validated. */
async function time(name: string, input: unknown): Promise<number> {
  const t = performance.now();
  const result = await backend.router.call(name, input);
  const ms = performance.now() - t;
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return ms;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-1m-'));
const backend = openBackend({ dataDir, runtime: 'cli', quiet: true });
const s = backend.datanets;
try {
  const { datanet: d, seqs, insertSeconds: insertS, labelSeconds } = fillDatanet(backend, 'bench', N);
  const random = rng(7);
  console.log(`items: ${N} inserted in ${insertS.toFixed(1)} s (${Math.round(N / insertS)} items/s)`);
  console.log(`labels: ${Math.ceil(seqs.length / 10)} written in ${labelSeconds.toFixed(1)} s`);

  const pages: number[] = [];
  for (let i = 0; i < 200; i++) {
    const after = seqs[Math.floor(random() * (seqs.length - 100))]!;
    pages.push(await time('items.page', { datanet: d.id, after, limit: 100 }));
  }
  const filtered: number[] = [];
  for (let i = 0; i < 100; i++) {
    const after = seqs[Math.floor(random() * (seqs.length / 2))]!;
    filtered.push(await time('items.page', { datanet: d.id, after, limit: 100, filter: { label: { field: 'sentiment', value: 'negative' } } }));
  }
  const searches: number[] = [];
  for (let i = 0; i < 100; i++) {
    const q = `${WORDS[Math.floor(random() * WORDS.length)]} ${WORDS[Math.floor(random() * WORDS.length)]}`;
    searches.push(await time('items.page', { datanet: d.id, limit: 100, filter: { query: q } }));
  }
  const writes: number[] = [];
  const ids = s.db.prepare('SELECT id FROM items WHERE datanet_id = ? AND seq % 997 = 0 LIMIT 500').pluck().all(d.id) as string[];
  for (const id of ids) {
    writes.push(await time('annotations.set', { item: id, field: 'sentiment', value: 'neutral' }));
  }
  // A search right after writes pays for bringing their label words into the index.
  const searchAfterWrite: number[] = [];
  for (const id of ids.slice(0, 100)) {
    await time('annotations.set', { item: id, field: 'sentiment', value: 'positive' });
    searchAfterWrite.push(await time('items.page', { datanet: d.id, limit: 100, filter: { query: 'positive refund' } }));
  }
  const t = performance.now();
  const version = await s.versions.create(d.id, 'bench');
  const versionS = (performance.now() - t) / 1000;

  const report = (what: string, ms: number, limit: number) =>
    console.log(`${what.padEnd(34)} ${ms.toFixed(2).padStart(8)} ms   limit ${String(limit).padStart(3)} ms   ratio ${(ms / limit).toFixed(3)}`);
  report('page of 100 rows, p95', percentile(pages, 95), 20);
  report('page of 100 filtered by label, p95', percentile(filtered, 95), 20);
  report('FTS query (2 words), p95', percentile(searches, 95), 50);
  report('FTS query right after a write, p95', percentile(searchAfterWrite, 95), 50);
  report('annotation write, p99', percentile(writes, 99), 5);
  console.log(`${'version of all records'.padEnd(34)} ${versionS.toFixed(2).padStart(8)} s    limit  30 s    ratio ${(versionS / 30).toFixed(3)}   (${version.recordCount} records)`);
} finally {
  await backend.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
