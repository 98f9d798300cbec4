// Import throughput against `cp -r` plus `sha256sum` over the same files, in one run: the peer
// copies and hashes every byte, which is the least an import into a content-addressed store does.
// Prints both times and the ratio peer/import (the target: at least 0.7).
//
//   node scripts/run-ts.mjs bench/import.ts small [files]    100,000 small text files by default
//   node scripts/run-ts.mjs bench/import.ts mixed [megabytes] 1,000 MB of mixed files by default
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openBackend } from '../electron/backend';

const kind = process.argv[2] ?? 'small';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-import-'));
const source = path.join(root, 'source');
fs.mkdirSync(source);

const WORDS = 'data label model review price service quality delivery great late fast slow friendly broken fresh cheap value'.split(' ');
const sentence = (i: number) => Array.from({ length: 12 }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join(' ') + ` #${i}`;

async function makeSmall(files: number): Promise<void> {
  for (let d = 0; d < Math.ceil(files / 1000); d++) {
    const dir = path.join(source, `d${d}`);
    fs.mkdirSync(dir);
    for (let i = d * 1000; i < Math.min(files, (d + 1) * 1000); i++) fs.writeFileSync(path.join(dir, `${i}.txt`), sentence(i));
  }
}

/** About a third each of images (noise PNGs, incompressible), JSONL and CSV, and some text files. */
async function makeMixed(megabytes: number): Promise<void> {
  const budget = megabytes * 1_000_000;
  let written = 0;
  let n = 0;
  const images = path.join(source, 'images');
  fs.mkdirSync(images);
  while (written < budget / 3) {
    const file = path.join(images, `img-${n++}.png`);
    await sharp(randomBytes(600 * 600 * 3), { raw: { width: 600, height: 600, channels: 3 } }).png({ compressionLevel: 1 }).toFile(file);
    written += fs.statSync(file).size;
  }
  let line = 0;
  for (let f = 0; written < (2 * budget) / 3; f++) {
    const rows = Array.from({ length: 20000 }, () => JSON.stringify({ text: sentence(line++), source: 'bench' }));
    const file = path.join(source, `part-${f}.jsonl`);
    fs.writeFileSync(file, rows.join('\n') + '\n');
    written += fs.statSync(file).size;
  }
  for (let f = 0; written < budget; f++) {
    const rows = Array.from({ length: 20000 }, () => `"${sentence(line++)}",bench`);
    const file = path.join(source, `table-${f}.csv`);
    fs.writeFileSync(file, `text,source\n${rows.join('\n')}\n`);
    written += fs.statSync(file).size;
  }
  const texts = path.join(source, 'notes');
  fs.mkdirSync(texts);
  for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(texts, `${i}.md`), `# note ${i}\n\n${sentence(line++)}\n`);
}

function dropCaches(): void {
  // Both sides read from the page cache: the files were just written, and each reads them once.
  execFileSync('sync');
}

function peer(): number {
  const copy = path.join(root, 'copy');
  const t = performance.now();
  execFileSync('cp', ['-r', source, copy]);
  execFileSync('bash', ['-c', `find "${copy}" -type f -print0 | xargs -0 sha256sum > /dev/null`]);
  const ms = performance.now() - t;
  fs.rmSync(copy, { recursive: true, force: true });
  return ms;
}

async function ours(): Promise<{ ms: number; items: number; errors: number }> {
  const dataDir = path.join(root, 'data');
  const backend = openBackend({ dataDir, runtime: 'cli', quiet: true });
  try {
    const d = backend.datanets.datanets.create({ name: 'bench', description: '', license: 'CC0-1.0', schema: { fields: [{ kind: 'free_text', name: 'note' }] } });
    const t = performance.now();
    const started = await backend.router.call('imports.start', { datanet: d.id, paths: [source] });
    if (!started.ok) throw new Error(started.error.message);
    const { job } = started.value as { job: { id: string } };
    const end = await backend.jobs.settled(job.id);
    const ms = performance.now() - t;
    if (end.state !== 'succeeded') throw new Error(`import ${end.state}`);
    const record = backend.datanets.imports.list(d.id)[0]!;
    return { ms, items: record.itemsAdded, errors: record.errors };
  } finally {
    await backend.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  if (kind === 'small') await makeSmall(Number(process.argv[3] ?? 100_000));
  else await makeMixed(Number(process.argv[3] ?? 1000));
  const bytes = Number(execFileSync('du', ['-sb', source]).toString().split('\t')[0]);
  const files = Number(execFileSync('bash', ['-c', `find "${source}" -type f | wc -l`]).toString());
  dropCaches();
  const peerMs = peer();
  dropCaches();
  const run = await ours();
  console.log(`${kind}: ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${os.cpus().length} cores`);
  console.log(`cp -r + sha256sum (peer): ${(peerMs / 1000).toFixed(2)} s`);
  console.log(`studio import:            ${(run.ms / 1000).toFixed(2)} s  (${run.items} items, ${run.errors} problems, ${Math.round(run.items / (run.ms / 1000))} items/s)`);
  console.log(`ratio peer/import: ${(peerMs / run.ms).toFixed(2)}  (target ≥ 0.7)`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
