import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdamW } from '../../engine/train/adamw';
import { clipGradNorm, GradientAccumulator } from '../../engine/train/gradients';
import { loadOptimizerState, saveOptimizerState } from '../../engine/train/optimizer-state';
import { Prng } from '../../engine/train/prng';
import { tempDir } from '../fixtures/temp-dir';

/** Debian's interpreter: a pyenv python first on PATH does not see Debian's python3-torch. */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.warn(`adamw: skipping the comparison with torch.optim.AdamW: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-30));
  return worst;
}

/** Random gradients for `steps` steps over parameters of these sizes, from a seed. */
function gradients(seed: number, sizes: number[], steps: number): number[][][] {
  const rng = new Prng(seed);
  return Array.from({ length: steps }, () => sizes.map((n) => Array.from({ length: n }, () => (rng.nextFloat() - 0.5) * 2)));
}

describe('AdamW', () => {
  it('takes the first step as the formula says, by hand', () => {
    // Step 1: m = 0.1 g, v = 0.001 g², bias-corrected m̂ = g, v̂ = g², so p ← p(1 - lr·wd) - lr·g/(|g| + eps).
    const p = new Float64Array([1, -2, 0.5]);
    const g = new Float64Array([0.3, -0.1, 0]);
    const opt = new AdamW([{ name: 'w', data: p }], { lr: 0.1, weightDecay: 0.01 });
    opt.update([g]);
    const want = [1 * (1 - 0.001) - 0.1 * (0.3 / (0.3 + 1e-8)), -2 * (1 - 0.001) + 0.1 * (0.1 / (0.1 + 1e-8)), 0.5 * (1 - 0.001)];
    expect(maxRelErr(p, want)).toBeLessThan(1e-12);
    expect(opt.step).toBe(1);
    expect(maxRelErr(opt.expAvg[0]!, [0.03, -0.01, 0])).toBeLessThan(1e-12);
    expect(maxRelErr(opt.expAvgSq[0]!, [0.001 * 0.09, 0.001 * 0.01, 0])).toBeLessThan(1e-12);
  });

  it('uses the lr it is given for the step, in the decay too', () => {
    const p = new Float64Array([2]);
    const opt = new AdamW([{ name: 'w', data: p }], { lr: 1, weightDecay: 0.5 });
    opt.update([new Float64Array([0])], 0.1);
    expect(p[0]).toBeCloseTo(2 * (1 - 0.05), 14);
  });

  it('refuses gradients that do not fit', () => {
    const opt = new AdamW([{ name: 'w', data: new Float32Array(3) }]);
    expect(() => opt.update([])).toThrow(/0 gradients for 1 parameters/);
    expect(() => opt.update([new Float32Array(2)])).toThrow(/gradient of w has 2 elements/);
    expect(() => new AdamW([{ name: 'w', data: new Float32Array(1) }, { name: 'w', data: new Float32Array(1) }])).toThrow(/given twice/);
  });

  describe.skipIf(!hasTorch)('against torch.optim.AdamW', () => {
    const sizes = [7, 12];
    const steps = 6;
    const options = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1 };
    const lrs = [0.01, 0.02, 0.005, 0.01, 0.001, 0.03];

    function torch(dtype: 'float32' | 'float64', init: number[][], grads: number[][][]): number[][] {
      const script = `
import json, sys, torch
d = json.load(sys.stdin); dt = getattr(torch, d['dtype'])
ps = [torch.nn.Parameter(torch.tensor(p, dtype=dt)) for p in d['init']]
o = d['options']
opt = torch.optim.AdamW(ps, lr=o['lr'], betas=(o['beta1'], o['beta2']), eps=o['eps'], weight_decay=o['weightDecay'])
for gs, lr in zip(d['grads'], d['lrs']):
    for g in opt.param_groups: g['lr'] = lr
    for p, g in zip(ps, gs): p.grad = torch.tensor(g, dtype=dt)
    opt.step()
print(json.dumps([p.detach().double().tolist() for p in ps]))
`;
      const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ dtype, init, grads, options, lrs }), encoding: 'utf8', timeout: 120_000 });
      if (run.status !== 0) throw new Error(run.stderr);
      return JSON.parse(run.stdout) as number[][];
    }

    for (const dtype of ['float64', 'float32'] as const) {
      it(`matches it over ${steps} steps in ${dtype}`, () => {
        const rng = new Prng(7);
        const array = (xs: number[]) => (dtype === 'float64' ? Float64Array.from(xs) : Float32Array.from(xs));
        const params = sizes.map((n, i) => ({ name: `p${i}`, data: array(Array.from({ length: n }, () => rng.nextFloat() * 2 - 1)) }));
        const init = params.map((p) => Array.from(p.data));
        const grads = gradients(3, sizes, steps);
        const opt = new AdamW(params, options);
        grads.forEach((gs, s) => opt.update(gs.map(array), lrs[s]));
        const want = torch(dtype, init, grads);
        params.forEach((p, i) => expect(maxRelErr(p.data, want[i]!)).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6));
      });
    }
  });
});

describe('clipGradNorm', () => {
  it('scales all gradients together to the max norm, as torch does', () => {
    const a = new Float32Array([3, 0]);
    const b = new Float64Array([4]);
    const norm = clipGradNorm([a, b], 1);
    expect(norm).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect(a[0]).toBeCloseTo(3 * coef, 6);
    expect(b[0]).toBeCloseTo(4 * coef, 12);
  });

  it('leaves gradients under the norm, and non-finite ones, alone', () => {
    const a = new Float32Array([0.3, 0.4]);
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 6);
    expect(Array.from(a)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    const bad = new Float32Array([NaN, 1]);
    expect(clipGradNorm([bad], 1)).toBeNaN();
    expect(bad[1]).toBe(1);
  });
});

describe('GradientAccumulator', () => {
  it('gives the token-weighted mean of the micro-batches, then starts again', () => {
    const acc = new GradientAccumulator([2]);
    acc.add([new Float32Array([1, 2])], 3);
    acc.add([new Float32Array([5, -2])], 1);
    expect(acc.microBatches).toBe(2);
    expect(Array.from(acc.take()[0]!)).toEqual([2, 1]);
    expect(acc.microBatches).toBe(0);
    acc.add([new Float32Array([4, 4])]);
    expect(Array.from(acc.take()[0]!)).toEqual([4, 4]);
    expect(() => acc.take()).toThrow(/nothing was added/);
    expect(() => acc.add([new Float32Array(3)])).toThrow(/has 3 elements/);
  });
});

describe('optimizer state', () => {
  it('saves and restores the moments and step, so resumed steps equal uninterrupted ones', async () => {
    const file = path.join(tempDir(), 'optimizer.safetensors');
    const grads = gradients(5, [4, 3], 4);
    const make = () => [
      { name: 'a', data: new Float32Array([1, 2, 3, 4]) },
      { name: 'b', data: new Float64Array([-1, 0, 1]) },
    ];
    const straight = make();
    const o1 = new AdamW(straight);
    for (const gs of grads) o1.update([Float32Array.from(gs[0]!), Float64Array.from(gs[1]!)]);

    const first = make();
    const o2 = new AdamW(first);
    for (const gs of grads.slice(0, 2)) o2.update([Float32Array.from(gs[0]!), Float64Array.from(gs[1]!)]);
    await saveOptimizerState(file, o2, { 'trainer.rng': '[1,2,3,4]' });
    const o3 = new AdamW(first.map((p) => ({ name: p.name, data: p.data.slice() })));
    const loaded = await loadOptimizerState(file, o3);
    expect(loaded.extra).toEqual({ 'trainer.rng': '[1,2,3,4]' });
    expect(o3.step).toBe(2);
    for (const gs of grads.slice(2)) o3.update([Float32Array.from(gs[0]!), Float64Array.from(gs[1]!)]);
    o3.params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(straight[i]!.data)));
  });

  it('refuses a state saved for other parameters', async () => {
    const file = path.join(tempDir(), 'optimizer.safetensors');
    await saveOptimizerState(file, new AdamW([{ name: 'a', data: new Float32Array(4) }]));
    await expect(loadOptimizerState(file, new AdamW([{ name: 'b', data: new Float32Array(4) }]))).rejects.toThrow(/missing: b.exp_avg, b.exp_avg_sq; unknown: a.exp_avg, a.exp_avg_sq/);
    await expect(loadOptimizerState(file, new AdamW([{ name: 'a', data: new Float32Array(5) }]))).rejects.toThrow(/a.exp_avg has shape \[4\], the parameter 5 elements/);
  });
});
