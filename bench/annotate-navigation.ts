// The annotate view's moves through a filtered list (items.step, items.position with the dataset
// view's filter), against the same calls over the whole datanet and the dataset view's own first
// window of that filter, all in one run on N items (a tenth mention "refund", a third labeled).
//
//   node scripts/run-ts.mjs bench/annotate-navigation.ts [items]    200,000 by default
import fs from 'node:fs';
import { openBackend } from '../electron/backend';
const N = Number(process.argv[2] ?? 200000);
const dataDir = fs.mkdtempSync('/tmp/nav-');
const b = openBackend({ dataDir, runtime: 'cli', quiet: true });
const s = b.datanets;
const d = s.datanets.create({ name: 'n', description: '', license: 'MIT', schema: { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative'] }] } });
let mid = '';
s.db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const { seq, id } = s.items.insert(d.id, { content: { text: `Review ${i} ${i % 10 === 0 ? 'refund late' : 'great value'}`, fields: {}, image: null }, source: null, importId: null });
    if (i % 3 === 0) s.annotations.record({ itemSeq: seq, datanetId: d.id }, 'sentiment', 'positive', 'x', 'set');
    if (i === Math.floor(N / 2) + 1) mid = id;
  }
})();
const time = async (what: string, name: string, input: object) => {
  const ms: number[] = [];
  for (let k = 0; k < 7; k++) { const t = performance.now(); const r = await b.router.call(name, input); if (!r.ok) throw new Error(JSON.stringify(r.error)); ms.push(performance.now() - t); }
  ms.sort((a, c) => a - c);
  console.log(what.padEnd(40), 'median', ms[3]!.toFixed(1), 'ms max', ms[6]!.toFixed(1));
};
await time('position, whole datanet', 'items.position', { item: mid });
await time('position, unlabeled', 'items.position', { item: mid, filter: { labeled: false } });
await time('position, query refund', 'items.position', { item: mid, filter: { query: 'refund' } });
await time('position, query great (90%)', 'items.position', { item: mid, filter: { query: 'great' } });
await time('step, unlabeled filter', 'items.step', { datanet: d.id, from: mid, filter: { labeled: false } });
await time('step, query refund', 'items.step', { datanet: d.id, from: mid, filter: { query: 'refund' } });
await time('step, query great', 'items.step', { datanet: d.id, from: mid, filter: { query: 'great' } });
await time('window total, unlabeled (dataset view)', 'items.window', { datanet: d.id, offset: 0, limit: 100, filter: { labeled: false } });
await b.close();
fs.rmSync(dataDir, { recursive: true, force: true });
