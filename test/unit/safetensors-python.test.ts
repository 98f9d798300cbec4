import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../engine/io/safetensors-file';
import { writeSafetensors } from '../../engine/io/safetensors-write';
import { tempDir } from '../fixtures/temp-dir';

/**
 * Interop with the reference implementation (Hugging Face's `safetensors` for Python, with NumPy).
 * Debian 12 does not package it (`apt-cache policy python3-safetensors` has no candidate) and only
 * Debian packages and npm are reachable offline, so this runs where someone has installed it
 * (`pip install safetensors numpy`) and is skipped, saying so, elsewhere.
 */
const probe = spawnSync('python3', ['-c', 'import safetensors, numpy; print(safetensors.__version__)'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available) {
  console.warn(
    'safetensors-python: skipped: python3 with the `safetensors` and `numpy` modules is missing ' +
      `(${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}); Debian has no python3-safetensors package`,
  );
}

function python(script: string, ...args: string[]): string {
  const run = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return run.stdout;
}

describe.skipIf(!available)('safetensors interop with the Python reference implementation', () => {
  it('reads a file the reference wrote, every dtype NumPy has', async () => {
    const file = path.join(tempDir(), 'py.safetensors');
    python(
      `
import sys, numpy as np
from safetensors.numpy import save_file
t = {
  "f64": np.arange(6, dtype=np.float64).reshape(2, 3) / 7,
  "f32": np.arange(4, dtype=np.float32) - 1.5,
  "f16": np.array([1, -2, 65504, 6e-8], dtype=np.float16),
  "i64": np.array([-(2**40), 3], dtype=np.int64),
  "i32": np.array([-7], dtype=np.int32),
  "u8": np.array([0, 255], dtype=np.uint8),
  "b": np.array([True, False]),
}
save_file(t, sys.argv[1], metadata={"format": "np"})
`,
      file,
    );
    const f = await SafetensorsFile.open(file);
    try {
      expect(f.metadata).toEqual({ format: 'np' });
      expect(f.info('f64')).toMatchObject({ dtype: 'F64', shape: [2, 3] });
      expect(Array.from((await f.read('f64', 'native')) as Float64Array)).toEqual([0, 1, 2, 3, 4, 5].map((x) => x / 7));
      expect(Array.from(await f.read('f32', 'f32'))).toEqual([-1.5, -0.5, 0.5, 1.5]);
      expect(Array.from(await f.read('f16', 'f32'))).toEqual([1, -2, 65504, 5.960464477539063e-8]);
      expect(Array.from((await f.read('i64', 'native')) as BigInt64Array)).toEqual([-(2n ** 40n), 3n]);
      expect(Array.from((await f.read('i32', 'native')) as Int32Array)).toEqual([-7]);
      expect(Array.from(await f.read('u8', 'raw'))).toEqual([0, 255]);
      expect(f.info('b').dtype).toBe('BOOL');
    } finally {
      await f.close();
    }
  });

  it('writes the same bytes the reference writes, and the reference reads ours', async () => {
    const dir = tempDir();
    const ours = path.join(dir, 'ours.safetensors');
    const theirs = path.join(dir, 'theirs.safetensors');
    await writeSafetensors(
      ours,
      [
        { name: 'b.weight', dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
        { name: 'a.ids', dtype: 'I64', shape: [3], data: BigInt64Array.of(1n, -2n, 3n) },
        { name: 'c.half', dtype: 'F16', shape: [1], data: Uint16Array.of(0x3c00) },
      ],
      { format: 'pt' },
    );
    const out = python(
      `
import sys, numpy as np
from safetensors.numpy import load_file, save_file
t = load_file(sys.argv[1])
print(t["b.weight"].tolist(), t["a.ids"].tolist(), t["c.half"].tolist())
save_file({"b.weight": np.array([[1, 2], [3, 4]], dtype=np.float32), "a.ids": np.array([1, -2, 3]), "c.half": np.array([1], dtype=np.float16)}, sys.argv[2], metadata={"format": "pt"})
`,
      ours,
      theirs,
    );
    expect(out.trim()).toBe('[[1.0, 2.0], [3.0, 4.0]] [1, -2, 3] [1.0]');
    expect(fs.readFileSync(ours).equals(fs.readFileSync(theirs))).toBe(true);
  });
});
