// How long the backend's main thread stalls while an import runs: the UI's calls (a label set,
// a page of rows) wait behind each stall. Prints event-loop delay p99 and max during the import
// of generated JSONL rows and Markdown documents, against issue 5's 50 ms key-to-saved limit.
//
//   node scripts/run-ts.mjs bench/import-responsiveness.ts [rows-files] [docs]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openBackend } from '../electron/backend';
import { rng, WORDS } from './million-items';

const rowFiles = Number(process.argv[2] ?? 16);
const docs = Number(process.argv[3] ?? 40);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-stall-'));
const source = path.join(root, 'source');
fs.mkdirSync(source);
const random = rng(1);
const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
for (let f = 0; f < rowFiles; f++) {
  fs.writeFileSync(path.join(source, `rows-${f}.jsonl`), Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: `${words(150)} #${f}-${i}` })).join('\n') + '\n');
}
for (let d = 0; d < docs; d++) fs.writeFileSync(path.join(source, `doc-${d}.md`), `# Document ${d}\n\n` + Array.from({ length: 250 }, () => words(120)).join('\n\n'));

const backend = openBackend({ dataDir: path.join(root, 'data'), runtime: 'cli', quiet: true });
try {
  const d = backend.datanets.datanets.create({ name: 'stall', description: '', license: 'MIT', schema: { fields: [{ kind: 'free_text', name: 'note' }] } });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t = performance.now();
  const started = await backend.router.call('imports.start', { datanet: d.id, paths: [source] });
  if (!started.ok) throw new Error(started.error.message);
  const jobId = (started.value as { job: { id: string } }).job.id;
  while (backend.jobs.get(jobId).state === 'running') await new Promise((r) => setTimeout(r, 20));
  delay.disable();
  const seconds = (performance.now() - t) / 1000;
  const items = backend.datanets.datanets.summary(d.id).itemCount;
  console.log(`${items} items from ${rowFiles} JSONL files and ${docs} documents in ${seconds.toFixed(1)} s (${os.cpus().length} cores)`);
  for (const [what, ns] of [['event-loop delay p99', delay.percentile(99)], ['event-loop delay max', delay.max]] as const) {
    const ms = ns / 1e6;
    console.log(`${what.padEnd(22)} ${ms.toFixed(0).padStart(5)} ms   limit 50 ms   ratio ${(ms / 50).toFixed(2)}`);
  }
} finally {
  await backend.close();
  fs.rmSync(root, { recursive: true, force: true });
}
