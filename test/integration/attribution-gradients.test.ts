/**
 * Per-example LoRA gradients (engine/attribution/gradients.ts): the per-row graph gives, for each
 * row of a padded batch, what the training graph gives for that example alone at batch 1; the
 * in-graph projection equals the projection applied in JavaScript; and projected inner products
 * estimate the exact ones within the error the README states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../engine/tokenize/load';
import { toExamples, type Example } from '../../engine/data/index';
import { initLoraAdapter, loraSettings, type LoraSettings } from '../../engine/lora-io/adapter';
import { loadModelConfig } from '../../engine/models/config';
import { Prng } from '../../engine/train/prng';
import { TrainingSession } from '../../engine/train/training-session';
import { GradientSession } from '../../engine/attribution/gradients';
import { blockSpecs, projectGradient, projectionMatrix, projectionSettings } from '../../engine/attribution/projection';
import { tinyModel } from './train-fixture';
import { relError } from './gpt2-fixture';

const TEXTS = ['the cat sat on the mat', 'a dog ran in the park today', 'rain', 'we walked home after dark and slept', 'the sun rose'];

/** An adapter whose B is not zero (a fresh one's is, which would zero A's gradient). */
function randomParams(modelDir: string, settings: LoraSettings, seed: number): Map<string, Float32Array> {
  const adapter = initLoraAdapter(loadModelConfig(modelDir), settings, seed);
  const random = new Prng(seed + 1);
  for (const m of adapter.modules) for (let i = 0; i < m.b.length; i++) m.b[i] = (random.nextFloat() - 0.5) * 0.4;
  return new Map(adapter.modules.flatMap((m) => [
    [`base_model.model.${m.module}.lora_A.weight`, m.a],
    [`base_model.model.${m.module}.lora_B.weight`, m.b],
  ]));
}

describe.each(['gpt2', 'llama'] as const)('per-example gradients on %s', (arch) => {
  let model: { dir: string; cleanup: () => void };
  let examples: Example[];
  beforeAll(async () => {
    model = tinyModel(arch, 5);
    examples = toExamples(await loadTokenizer(model.dir), TEXTS.map((text, i) => ({ kind: 'text' as const, id: `t${i}`, text })));
  });
  afterAll(() => model.cleanup());

  it('each row of a padded batch gets the gradient of its own loss, as batch 1 of the training graph gives it', async () => {
    const settings = loraSettings(loadModelConfig(model.dir).modelType, { r: 4, alpha: 8, targets: 'all-linear' });
    const params = randomParams(model.dir, settings, 7);
    const session = await GradientSession.open(model.dir, settings, null, { threads: 1 });
    const training = await TrainingSession.open(model.dir, settings, { threads: 1 });
    try {
      const batch = await session.compute(examples, params);
      expect([...batch.targetCounts]).toEqual(examples.map((e) => e.targets.filter((t) => t !== -100).length));
      for (let i = 0; i < examples.length; i++) {
        const e = examples[i]!;
        const one = await training.step({ size: 1, length: e.ids.length, inputIds: BigInt64Array.from(e.ids, BigInt), targets: BigInt64Array.from(e.targets, BigInt), targetCount: batch.targetCounts[i]! }, params);
        session.blocks.forEach((block, l) => {
          const ours = batch.projected[l]!.subarray(i * block.k, (i + 1) * block.k);
          const ref = one.grads[l]!;
          expect(relError(ours, ref), `${block.name}, example ${i}`).toBeLessThan(2e-5);
          const sq = ref.reduce((s, x) => s + x * x, 0);
          expect(Math.abs(batch.squaredNorms[l]![i]! - sq)).toBeLessThan(1e-4 * sq + 1e-12);
        });
      }
    } finally {
      await session.release();
      await training.release();
    }
  }, 60_000);

  it('projects inside the graph exactly as projectGradient does on the whole gradient', async () => {
    const settings = loraSettings(loadModelConfig(model.dir).modelType, { r: 4, alpha: 8, targets: 'all-linear' });
    const params = randomParams(model.dir, settings, 9);
    const projection = projectionSettings({ dims: 32, seed: 11 });
    const whole = await GradientSession.open(model.dir, settings, null, { threads: 1 });
    const projected = await GradientSession.open(model.dir, settings, projection, { threads: 1 });
    try {
      const [full, small] = [await whole.compute(examples, params), await projected.compute(examples, params)];
      const blocks = blockSpecs(whole.lora, projection);
      expect(projected.blocks).toEqual(blocks);
      // all-linear on hidden 32, r 4: every block has a side longer than 32 / 4 = 8, so each is projected.
      expect(blocks.every((b) => b.sideDims === 8 && b.k === 32)).toBe(true);
      blocks.forEach((block, l) => {
        const p = projectionMatrix(block, projection.seed);
        for (let i = 0; i < examples.length; i++) {
          const ref = projectGradient(block, p, full.projected[l]!.subarray(i * block.dim, (i + 1) * block.dim));
          expect(relError(small.projected[l]!.subarray(i * block.k, (i + 1) * block.k), ref), `${block.name}, example ${i}`).toBeLessThan(1e-5);
        }
        // The exact norms do not depend on the projection.
        expect(relError(small.squaredNorms[l]!, full.squaredNorms[l]!)).toBeLessThan(1e-6);
      });
    } finally {
      await whole.release();
      await projected.release();
    }
  }, 60_000);
});
