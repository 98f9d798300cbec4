import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../engine/io/checkpoint';
import { tempDir } from '../fixtures/temp-dir';
import { type FixtureDtype, type TinyArchitecture, writeTinyModel } from '../fixtures/tiny-models';

// Two independent implementations of the format, the fixture's writer and the engine's reader,
// must agree: every tensor read back as f32 equals the fixture's draw (within the dtype's rounding).
const TOLERANCE: Record<FixtureDtype, number> = { float32: 0, float16: 2 ** -11, bfloat16: 2 ** -8 };

describe('tiny model fixtures read by engine/io', () => {
  const cases: [TinyArchitecture, FixtureDtype, number][] = [
    ['gpt2', 'float32', 1],
    ['llama', 'bfloat16', 1],
    ['qwen2', 'float16', 3],
  ];
  for (const [architecture, dtype, shards] of cases) {
    it(`${architecture} ${dtype} in ${shards} file(s)`, async () => {
      const model = writeTinyModel(tempDir(), { architecture, dtype, shards });
      const checkpoint = await openCheckpoint(model.dir);
      try {
        expect(checkpoint.names).toEqual(model.tensors.map((t) => t.name).sort());
        for (const tensor of model.tensors) {
          expect(checkpoint.info(tensor.name).shape, tensor.name).toEqual(tensor.shape);
          const read = await checkpoint.read(tensor.name, 'f32');
          let worst = 0;
          for (let i = 0; i < read.length; i++) worst = Math.max(worst, Math.abs(read[i]! - tensor.values[i]!) - Math.abs(tensor.values[i]!) * TOLERANCE[dtype]);
          expect(worst, tensor.name).toBeLessThanOrEqual(1e-7);
        }
      } finally {
        await checkpoint.close();
      }
    });
  }
});
