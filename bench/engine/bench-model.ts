/**
 * The engine's benchmark model (issue 7): GPT-2-shaped, 6 layers, width 512, 8 heads, GPT-2's
 * vocabulary of 50,257, written by the tiny-model fixture generator (random weights, std 0.02 as
 * GPT-2 initializes), so the engine's benchmarks and PyTorch's read the very same files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTinyModel } from '../../test/fixtures/tiny-models';

export const BENCH_MODEL = { architecture: 'gpt2', layers: 6, hidden: 512, heads: 8, vocabSize: 50_257, maxPositions: 1024, initStd: 0.02, seed: 7 } as const;

/** Writes the model once per machine into the OS temp folder and returns its folder. */
export function benchModelDir(): string {
  const dir = path.join(os.tmpdir(), 'studio-bench-gpt2-6x512');
  if (!fs.existsSync(path.join(dir, 'model.safetensors'))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    writeTinyModel(tmp, BENCH_MODEL);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  }
  return dir;
}
