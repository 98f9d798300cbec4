import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../engine/io/checkpoint';
import { f32ToBf16 } from '../../engine/io/half';
import { writeSafetensors } from '../../engine/io/safetensors-write';
import { tempDir } from '../fixtures/temp-dir';

const ramp = (n: number, start: number) => Float32Array.from({ length: n }, (_, i) => start + i);

/** A two-shard checkpoint as transformers' save_pretrained writes it. */
async function sharded(): Promise<string> {
  const dir = tempDir();
  await writeSafetensors(path.join(dir, 'model-00001-of-00002.safetensors'), [
    { name: 'embed.weight', dtype: 'F32', shape: [2, 3], data: ramp(6, 0) },
    { name: 'layers.0.w', dtype: 'BF16', shape: [4], data: f32ToBf16(ramp(4, 10)) },
  ], { format: 'pt' });
  await writeSafetensors(path.join(dir, 'model-00002-of-00002.safetensors'), [
    { name: 'layers.1.w', dtype: 'F32', shape: [4], data: ramp(4, 20) },
  ], { format: 'pt' });
  fs.writeFileSync(
    path.join(dir, 'model.safetensors.index.json'),
    JSON.stringify({
      metadata: { total_size: 48 },
      weight_map: {
        'embed.weight': 'model-00001-of-00002.safetensors',
        'layers.0.w': 'model-00001-of-00002.safetensors',
        'layers.1.w': 'model-00002-of-00002.safetensors',
      },
    }),
  );
  return dir;
}

describe('openCheckpoint', () => {
  it('reads a sharded checkpoint through its index: names, dtypes, shapes, values, the shard of each', async () => {
    const dir = await sharded();
    const ckpt = await openCheckpoint(dir);
    try {
      expect(ckpt.names).toEqual(['embed.weight', 'layers.0.w', 'layers.1.w']);
      expect(ckpt.metadata).toEqual({ total_size: '48' });
      expect(ckpt.info('layers.0.w')).toMatchObject({ dtype: 'BF16', shape: [4], file: path.join(dir, 'model-00001-of-00002.safetensors') });
      expect(ckpt.info('layers.1.w').file).toBe(path.join(dir, 'model-00002-of-00002.safetensors'));
      expect(Array.from(await ckpt.read('embed.weight', 'f32'))).toEqual([0, 1, 2, 3, 4, 5]);
      expect(Array.from(await ckpt.read('layers.0.w', 'f32'))).toEqual([10, 11, 12, 13]);
      expect(Array.from(await ckpt.read('layers.1.w', 'f32'))).toEqual([20, 21, 22, 23]);
      expect(Array.from((await ckpt.read('layers.0.w', 'raw')).slice(0, 2))).toEqual([0x20, 0x41]); // 10 in bf16 is 0x4120
      expect(() => ckpt.info('lm_head.weight')).toThrow(/model\.safetensors\.index\.json: no tensor named "lm_head.weight"/);
    } finally {
      await ckpt.close();
    }
  });

  it('reads a single model.safetensors from a folder, or a .safetensors file given directly', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.safetensors');
    await writeSafetensors(file, [{ name: 'w', dtype: 'F32', shape: [2], data: ramp(2, 7) }], { format: 'pt' });
    for (const where of [dir, file]) {
      const ckpt = await openCheckpoint(where);
      expect(ckpt.names).toEqual(['w']);
      expect(ckpt.metadata).toEqual({ format: 'pt' });
      expect(Array.from(await ckpt.read('w', 'f32'))).toEqual([7, 8]);
      await ckpt.close();
    }
  });

  it('says which index entry is wrong: a missing shard, a tensor its shard lacks, a path leaving the folder', async () => {
    const index = (dir: string, weightMap: unknown) =>
      fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));

    let dir = await sharded();
    index(dir, { 'layers.9.w': 'model-00003-of-00003.safetensors' });
    await expect(openCheckpoint(dir)).rejects.toThrow(/model-00003-of-00003\.safetensors/);

    dir = await sharded();
    index(dir, { 'layers.9.w': 'model-00001-of-00002.safetensors' });
    await expect(openCheckpoint(dir)).rejects.toThrow(/weight_map puts "layers\.9\.w" in .*model-00001-of-00002\.safetensors, which has no such tensor/);

    dir = await sharded();
    index(dir, { w: '../elsewhere.safetensors' });
    await expect(openCheckpoint(dir)).rejects.toThrow(/weight_map\["w"\] is "\.\.\/elsewhere\.safetensors", not a file name inside the folder/);

    dir = await sharded();
    index(dir, ['not', 'a', 'map']);
    await expect(openCheckpoint(dir)).rejects.toThrow(/index\.json: no "weight_map" object/);

    dir = tempDir();
    await expect(openCheckpoint(dir)).rejects.toThrow(/neither a \.safetensors file nor a folder with model\.safetensors/);
  });
});
