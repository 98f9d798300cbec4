/**
 * Shared by the attribution tests and bench/attribution-influence.ts: a tiny model, a classification
 * datanet made of words drawn from per-class vocabularies (some labels flipped on purpose), a LoRA
 * adapter trained on it by the real trainer, and its gradient store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packExamples, padTokenId, toExamples, type ClassificationRecord, type Example, type InstructionRecord, type TrainingRecord } from '../../engine/data/index';
import { readPeftAdapter } from '../../engine/lora-io/peft-files';
import { loadModelConfig } from '../../engine/models/config';
import { loadTokenizer } from '../../engine/tokenize/load';
import { Prng } from '../../engine/train/prng';
import { listCheckpoints } from '../../engine/train/checkpoint-store';
import { runTraining, type TrainingResult } from '../../engine/train/trainer';
import { rowsTrainingData } from '../../engine/train/training-data';
import type { TrainingOptions } from '../../engine/train/training-options';
import { buildGradientStore, type StoreCheckpoint } from '../../engine/attribution/store-build';
import type { ProjectionOptions } from '../../engine/attribution/projection';
import { writeTinyModel, type TinyArchitecture } from '../fixtures/tiny-models';

export const CLASSES: Record<string, readonly string[]> = {
  animal: ['cat', 'dog', 'fox', 'bird', 'horse', 'mouse'],
  weather: ['rain', 'snow', 'wind', 'storm', 'cloud', 'sun'],
  food: ['bread', 'cheese', 'apple', 'soup', 'rice', 'cake'],
  color: ['red', 'blue', 'green', 'yellow', 'black', 'white'],
};

export interface ClassData {
  records: ClassificationRecord[];
  /** Ids of the records whose label was flipped. */
  flipped: Set<string>;
  /** One fresh text per class, in no training record (queries). */
  queries: ClassificationRecord[];
}

function textOf(random: Prng, words: readonly string[], n: number): string {
  return Array.from({ length: n }, () => words[random.nextInt(words.length)]!).join(' ');
}

/** `perClass` records per class, `flipFraction` of them with another class's label. */
export function classificationData(options: { perClass: number; flipFraction: number; seed: number; words?: number }): ClassData {
  const random = new Prng(options.seed);
  const labels = Object.keys(CLASSES);
  const records: ClassificationRecord[] = [];
  for (const label of labels) {
    for (let i = 0; i < options.perClass; i++) {
      records.push({ kind: 'classification', id: `${label}-${i}`, text: textOf(random, CLASSES[label]!, options.words ?? 4), label, labels });
    }
  }
  const flipped = new Set<string>();
  const order = random.shuffle(records.map((_, i) => i));
  for (const i of order.slice(0, Math.round(options.flipFraction * records.length))) {
    const r = records[i]!;
    const others = labels.filter((l) => l !== r.label);
    records[i] = { ...r, label: others[random.nextInt(others.length)]! };
    flipped.add(r.id);
  }
  const queries = labels.map((label) => ({ kind: 'classification' as const, id: `query-${label}`, text: textOf(random, CLASSES[label]!, options.words ?? 4), label, labels }));
  return { records, flipped, queries };
}

/** Words of the tiny tokenizer's corpus: the model's BPE merges know them. */
const WORDS = ['quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'sleeps', 'runs', 'once', 'upon', 'time', 'tiny', 'model', 'learned', 'hello', 'world', 'there', 'fine', 'thank', 'datanet', 'holds', 'data', 'people', 'curate', 'label', 'share', 'trained', 'answers', 'questions', 'user', 'function', 'sum', 'numbers'];

/** `n` instructions of random words (a prompt of 3, an answer of 2): distinct examples. */
export function randomInstructions(n: number, seed: number): InstructionRecord[] {
  const random = new Prng(seed);
  const pick = (k: number) => Array.from({ length: k }, () => WORDS[random.nextInt(WORDS.length)]!).join(' ');
  return Array.from({ length: n }, (_, i) => ({ kind: 'instruction' as const, id: `q${i}`, prompt: pick(3), response: pick(2) }));
}

const ENTITIES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
const FACTS = ['red apple', 'blue sky', 'green tea', 'black cat', 'white snow', 'gold ring', 'pink rose', 'gray wolf', 'brown bear', 'silver moon'];

/**
 * Ten facts, each taught by `perFact` examples (the entity among random words, the fact as the
 * answer), and one fresh question per fact: the examples that taught a fact are what an answer
 * stating it drew on.
 */
export function factData(perFact: number, seed: number): { records: InstructionRecord[]; queries: InstructionRecord[] } {
  const random = new Prng(seed);
  const fill = (k: number) => Array.from({ length: k }, () => WORDS[random.nextInt(WORDS.length)]!).join(' ');
  const ask = (entity: string) => `${fill(1)} ${entity} ${fill(2)}`;
  const records: InstructionRecord[] = [];
  ENTITIES.forEach((entity, f) => {
    for (let i = 0; i < perFact; i++) records.push({ kind: 'instruction', id: `${entity}-${i}`, prompt: ask(entity), response: FACTS[f]! });
  });
  return { records, queries: ENTITIES.map((entity, f) => ({ kind: 'instruction' as const, id: `query-${entity}`, prompt: ask(entity), response: FACTS[f]! })) };
}

export interface TinyRun {
  modelDir: string;
  examples: Example[];
  result: TrainingResult;
  outDir: string;
}

export function tinyAttributionModel(architecture: TinyArchitecture = 'gpt2', seed = 3, hidden = 64): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `attr-${architecture}-`));
  writeTinyModel(dir, { architecture, seed, layers: 2, hidden, heads: 4, maxPositions: 128 });
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Trains an adapter on every record (no eval split: attribution looks at what was trained on). */
export async function trainOn(modelDir: string, records: readonly TrainingRecord[], options: Partial<TrainingOptions> & { seed: number }): Promise<TinyRun> {
  const tokenizer = await loadTokenizer(modelDir);
  const examples = toExamples(tokenizer, records);
  const { rows } = packExamples(examples, { maxLength: 128 });
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attr-run-'));
  const result = await runTraining({
    modelDir,
    outDir,
    data: rowsTrainingData({ train: rows, padId: padTokenId(tokenizer) }),
    lora: { r: 8, alpha: 16, targets: 'all-linear' },
    lr: 1e-2,
    epochs: 8,
    batchSize: 8,
    checkpointEvery: 0,
    session: { threads: 2 },
    ...options,
  });
  return { modelDir, examples, result, outDir };
}

/**
 * The run's checkpoints for a store: those the trainer kept before its last step, oldest first, then
 * the final adapter; each with TracIn's η, the learning rates of the steps since the one before.
 */
export async function runCheckpoints(run: TinyRun, which: 'final' | 'kept' = 'final'): Promise<StoreCheckpoint[]> {
  const config = loadModelConfig(run.modelDir);
  const kept = which === 'kept' ? (await listCheckpoints(run.outDir)).filter((c) => c.step < run.result.step) : [];
  const out: StoreCheckpoint[] = [];
  let previous = 0;
  const weightTo = (step: number) => run.result.history.filter((h) => h.step > previous && h.step <= step).reduce((s, h) => s + h.lr, 0);
  for (const c of kept) {
    out.push({ adapter: await readPeftAdapter(c.dir, config), label: `step-${c.step}`, step: c.step, weight: weightTo(c.step) });
    previous = c.step;
  }
  out.push({ adapter: await readPeftAdapter(run.result.adapterDir!, config), label: 'final', step: run.result.step, weight: weightTo(run.result.step) });
  return out;
}

/** The run's gradient store: its final adapter (TracIn weight = the learning rates summed over its steps), or with the checkpoints it kept. */
export async function storeOf(run: TinyRun, options: { projection?: ProjectionOptions | null; dtype?: 'f16' | 'f32'; name?: string; checkpoints?: 'final' | 'kept' } = {}): Promise<string> {
  const checkpoints = await runCheckpoints(run, options.checkpoints);
  const dir = path.join(run.outDir, options.name ?? 'gradient-store');
  await buildGradientStore({
    modelDir: run.modelDir,
    outDir: dir,
    checkpoints,
    examples: run.examples.map((e) => ({ id: e.sourceIds[0]!, sourceIds: e.sourceIds, ids: e.ids, targets: e.targets })),
    ...(options.projection !== undefined ? { projection: options.projection } : {}),
    ...(options.dtype ? { dtype: options.dtype } : {}),
    session: { threads: 2 },
  });
  return dir;
}

/** Area under the ROC curve of `scores` for finding `positives` (ties count half). */
export function auc(scores: ArrayLike<number>, positive: (i: number) => boolean): number {
  let pos = 0;
  let neg = 0;
  let wins = 0;
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  for (const i of idx) {
    if (!positive(i)) continue;
    pos++;
    for (const j of idx) {
      if (positive(j)) continue;
      if (scores[i]! > scores[j]!) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  for (const j of idx) if (!positive(j)) neg++;
  return wins / (pos * neg);
}

/** Spearman's rank correlation (average ranks for ties). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ranks = (x: ArrayLike<number>) => {
    const order = Array.from({ length: x.length }, (_, i) => i).sort((i, j) => x[i]! - x[j]!);
    const r = new Float64Array(x.length);
    for (let s = 0; s < order.length; ) {
      let e = s;
      while (e + 1 < order.length && x[order[e + 1]!] === x[order[s]!]) e++;
      for (let t = s; t <= e; t++) r[order[t]!] = (s + e) / 2;
      s = e + 1;
    }
    return r;
  };
  const [ra, rb] = [ranks(a), ranks(b)];
  const n = ra.length;
  const mean = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}
