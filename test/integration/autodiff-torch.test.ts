/**
 * One composite (LayerNorm → GELU (tanh) → linear → cross-entropy with an ignored target) against
 * torch.autograd in float64: the loss and every gradient within a relative error of 1e-4
 * (‖ours − torch‖ / ‖torch‖, ours in float32). Skipped, saying so, where python3-torch is missing.
 */
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { crossEntropy, gelu, grad, GraphBuilder, layerNorm, linear } from '../../engine/graph/index';
import { rng } from '../unit/graph-gradcheck';

function findTorchPython(): string | undefined {
  // Debian's python3-torch lives under /usr/bin/python3; a pyenv python3 on PATH may lack it.
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

const python = findTorchPython();
if (!python) console.warn('autodiff-torch: skipped, python3-torch is not installed (apt-get install python3-torch)');

const TORCH_SCRIPT = `
import json, sys, torch
d = json.load(sys.stdin)
B, T, D, V = d["dims"]
t = lambda k, shape: torch.tensor(d[k], dtype=torch.float64).reshape(shape).requires_grad_()
x, lw, lb, w, b = t("x", (B, T, D)), t("ln_w", (D,)), t("ln_b", (D,)), t("w", (D, V)), t("b", (V,))
h = torch.nn.functional.layer_norm(x, (D,), lw, lb, eps=1e-5)
h = torch.nn.functional.gelu(h, approximate="tanh")
logits = h @ w + b
loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), torch.tensor(d["targets"]), ignore_index=-100)
loss.backward()
out = {"loss": loss.item()}
for k, v in (("x", x), ("ln_w", lw), ("ln_b", lb), ("w", w), ("b", b)):
    out["grad." + k] = v.grad.reshape(-1).tolist()
print(json.dumps(out))
`;

const relError = (ours: ArrayLike<number>, ref: readonly number[]) => {
  let diff = 0, norm = 0;
  ref.forEach((r, i) => {
    diff += (ours[i]! - r) ** 2;
    norm += r * r;
  });
  return Math.sqrt(diff / norm);
};

describe.skipIf(!python)('autodiff against torch.autograd', () => {
  it('LayerNorm + GELU + linear + cross-entropy: loss and gradients within 1e-4', async () => {
    const [B, T, D, V] = [2, 3, 8, 11];
    const shapes: Record<string, number[]> = { x: [B, T, D], ln_w: [D], ln_b: [D], w: [D, V], b: [V] };
    const targets = [3, 0, -100, 10, 7, 7];

    const g = new GraphBuilder('composite');
    const p = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, g.input(k, 'float', k === 'x' ? ['B', 'T', D] : s)]));
    const t = g.input('targets', 'int64', ['B', 'T']);
    const logits = linear(g, gelu(g, layerNorm(g, p.x!, p.ln_w!, p.ln_b!)), p.w!, p.b);
    const loss = g.output(crossEntropy(g, logits, t), 'loss');
    grad(g, loss, Object.values(p));
    const session = await ort.InferenceSession.create(g.encode());

    const random = rng(42);
    const data: Record<string, number[]> = {};
    const feeds: Record<string, ort.Tensor> = { targets: new ort.Tensor('int64', BigInt64Array.from(targets, BigInt), [B, T]) };
    for (const [k, s] of Object.entries(shapes)) {
      const values = Float32Array.from({ length: s.reduce((a, n) => a * n, 1) }, () => 2 * random() - 1 + (k === 'ln_w' ? 1 : 0));
      data[k] = Array.from(values);
      feeds[k] = new ort.Tensor('float32', values, s);
    }
    const ours = await session.run(feeds);

    const torch = spawnSync(python!, ['-c', TORCH_SCRIPT], { input: JSON.stringify({ ...data, targets, dims: [B, T, D, V] }), encoding: 'utf8' });
    expect(torch.status, torch.stderr).toBe(0);
    const ref = JSON.parse(torch.stdout) as Record<string, number | number[]>;

    expect(relError([(ours.loss!.data as Float32Array)[0]!], [ref.loss as number])).toBeLessThan(1e-4);
    for (const k of Object.keys(shapes)) {
      const err = relError(ours[`grad.${k}`]!.data as Float32Array, ref[`grad.${k}`] as number[]);
      expect(err, `grad.${k}`).toBeLessThan(1e-4);
    }
  });
});
