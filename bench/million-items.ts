// A datanet filled with N short review-like texts, a tenth of them labeled: the 1,000,000-item
// datanet the speed targets speak of, shared by the backend and the UI benchmarks.
import type { Backend } from '../electron/backend';
import type { Datanet } from '../shared/api/schemas/datanets';

export const WORDS = 'data label model review price service quality delivery great late fast slow friendly broken fresh cheap value support return refund screen battery camera sound design colour size fit comfort'.split(' ');
export const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;

/** A repeatable pseudo-random source (LCG), so every run builds the same datanet. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface FilledDatanet {
  datanet: Datanet;
  /** Item seqs in arrival order. */
  seqs: number[];
  insertSeconds: number;
  labelSeconds: number;
}

/** Creates datanet `name` with a single-choice `sentiment` field and N items; labels every tenth. */
export function fillDatanet(backend: Backend, name: string, n: number, random = rng(42)): FilledDatanet {
  const s = backend.datanets;
  const datanet = s.datanets.create({
    name,
    description: 'Benchmark datanet',
    license: 'CC0-1.0',
    schema: { fields: [{ kind: 'single_choice', name: 'sentiment', labels: [...SENTIMENTS] }] },
  });
  const sentence = () => Array.from({ length: 8 + Math.floor(random() * 12) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

  let t = performance.now();
  const BATCH = 5000;
  const insert = s.db.transaction((texts: string[]) => {
    for (const text of texts) s.items.insert(datanet.id, { content: { text, fields: {}, image: null }, source: null, importId: null });
  });
  for (let done = 0; done < n; done += BATCH) {
    insert(Array.from({ length: Math.min(BATCH, n - done) }, (_, i) => `${sentence()} #${done + i}`));
  }
  const insertSeconds = (performance.now() - t) / 1000;

  // Label a tenth of them, as a contributor would over time.
  const seqs = s.db.prepare('SELECT seq FROM items WHERE datanet_id = ? ORDER BY seq').pluck().all(datanet.id) as number[];
  t = performance.now();
  s.db.transaction(() => {
    for (let i = 0; i < seqs.length; i += 10) {
      s.annotations.record({ itemSeq: seqs[i]!, datanetId: datanet.id }, 'sentiment', SENTIMENTS[i % 3], 'bench', 'set');
    }
  })();
  const labelSeconds = (performance.now() - t) / 1000;
  return { datanet, seqs, insertSeconds, labelSeconds };
}
