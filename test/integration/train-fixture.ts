/**
 * Shared by the train-*.test.ts files and their child script: a tiny model folder and training
 * data made as the app makes it (text records → examples → rows → train/eval split), and reading an
 * adapter folder's tensors back for comparison.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packExamples, padTokenId, splitTrainEval, toExamples, type TrainingRecord } from '../../engine/data/index';
import { ADAPTER_WEIGHTS_FILE } from '../../engine/lora-io/peft-files';
import { SafetensorsFile } from '../../engine/io/safetensors-file';
import { loadTokenizer } from '../../engine/tokenize/load';
import { rowsTrainingData, type TrainingData } from '../../engine/train/training-data';
import { writeTinyModel, type TinyArchitecture } from '../fixtures/tiny-models';

export function tinyModel(architecture: TinyArchitecture, seed = 3): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `train-${architecture}-`));
  writeTinyModel(dir, { architecture, seed, layers: 2, hidden: 32, heads: 4, maxPositions: 64 });
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const SENTENCES = [
  'the cat sat on the mat',
  'a dog ran in the park',
  'the bird sang at dawn',
  'my friend reads old books',
  'rain fell on the quiet town',
  'she writes code every day',
  'the river runs to the sea',
  'we walked home after dark',
  'the sun rose over the hills',
  'he plays the piano well',
];

/** Text records (the first `sentences` sentences, each `repeat` times) as rows, with `evalFraction` of them held out. */
export async function textData(modelDir: string, options: { sentences?: number; repeat?: number; evalFraction?: number; maxLength?: number } = {}): Promise<TrainingData> {
  const tokenizer = await loadTokenizer(modelDir);
  const records: TrainingRecord[] = [];
  for (let k = 0; k < (options.repeat ?? 1); k++) SENTENCES.slice(0, options.sentences ?? SENTENCES.length).forEach((text, i) => records.push({ kind: 'text', id: `r${k}-${i}`, text }));
  const examples = toExamples(tokenizer, records);
  const split = splitTrainEval(examples, { seed: 1, fraction: options.evalFraction ?? 0.2 });
  const maxLength = options.maxLength ?? 32;
  return rowsTrainingData({
    train: packExamples(split.train, { maxLength }).rows,
    eval: packExamples(split.eval, { maxLength }).rows,
    padId: padTokenId(tokenizer),
  });
}

/** Every tensor of an adapter folder's safetensors, by name. */
export async function adapterTensors(dir: string): Promise<Map<string, Float32Array>> {
  const file = await SafetensorsFile.open(path.join(dir, ADAPTER_WEIGHTS_FILE));
  try {
    const out = new Map<string, Float32Array>();
    for (const name of file.names) out.set(name, await file.read(name, 'f32'));
    return out;
  } finally {
    await file.close();
  }
}

export function tempOut(prefix = 'train-out-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
