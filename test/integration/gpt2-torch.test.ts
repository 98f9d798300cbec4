/**
 * GPT-2 against a PyTorch reference: the same tiny fixture model, written out in ~40 lines of
 * plain torch (no transformers) that read model.safetensors with a tiny Python reader of the
 * format, in float64. Our float32 graphs must match: logits and loss within 1e-4 (relative, as
 * ‖ours − ref‖ / ‖ref‖), and with random non-zero LoRA A and B on every linear layer the loss and
 * every LoRA gradient against torch.autograd within 1e-3. Measured here: logits ≤ 4e-7, loss ≤ 4e-8,
 * LoRA gradients ≤ 5e-7. Skipped, saying so, without python3-torch.
 */
import { spawnSync } from 'node:child_process';
import type * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { loraScaling, loraSettings } from '../../engine/lora-io/adapter';
import { peftKeys } from '../../engine/lora-io/peft-files';
import { rng } from '../unit/graph-gradcheck';
import { int64, loraFeeds, randomLora, relError, session as buildSession, shiftedTargets, tinyGpt2 } from './gpt2-fixture';

function findTorchPython(): string | undefined {
  // Debian's python3-torch lives under /usr/bin/python3; a pyenv python3 on PATH may lack it.
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

const python = findTorchPython();
if (!python) console.warn('gpt2-torch: skipped, python3-torch is not installed (apt-get install python3-torch)');

const TORCH_GPT2 = `
import json, math, struct, sys
import numpy as np, torch
import torch.nn.functional as F
d = json.load(sys.stdin)

def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header, base, out = json.loads(raw[8:8 + n]), 8 + n, {}
    for name, t in header.items():
        if name == "__metadata__": continue
        assert t["dtype"] == "F32", t["dtype"]
        b, e = t["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[base + b:base + e], dtype="<f4").copy()).reshape(t["shape"]).double()
    return out

W = read_safetensors(d["dir"] + "/model.safetensors")
cfg = json.load(open(d["dir"] + "/config.json"))
H, nh, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
hd = H // nh
lora = {m: (torch.tensor(a, dtype=torch.float64).reshape(d["r"], -1).requires_grad_(),
            torch.tensor(b, dtype=torch.float64).reshape(-1, d["r"]).requires_grad_()) for m, (a, b) in d["lora"].items()}

def conv1d(x, m):  # transformers' Conv1D (weight [in, out]) + PEFT's lora_B(lora_A(x)) * scaling
    y = x @ W[m + ".weight"] + W[m + ".bias"]
    if m in lora:
        A, B = lora[m]
        y = y + (x @ A.T @ B.T) * d["scaling"]
    return y

ln = lambda x, p: F.layer_norm(x, (H,), W[p + ".weight"], W[p + ".bias"], eps)
ids = torch.tensor(d["ids"]).reshape(d["B"], d["T"])
Bn, T = ids.shape
x = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][torch.arange(T)]
future = ~torch.tril(torch.ones(T, T, dtype=torch.bool))
heads = lambda t: t.reshape(Bn, T, nh, hd).transpose(1, 2)
for i in range(L):
    p = f"transformer.h.{i}"
    q, k, v = conv1d(ln(x, p + ".ln_1"), p + ".attn.c_attn").split(H, dim=-1)
    s = (heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(hd)).masked_fill(future, float("-inf"))
    if d["mask"] is not None:
        pad = (torch.tensor(d["mask"]).reshape(Bn, T) == 0)[:, None, None, :]
        s = s.masked_fill(pad, torch.finfo(torch.float32).min)
    x = x + conv1d((s.softmax(-1) @ heads(v)).transpose(1, 2).reshape(Bn, T, H), p + ".attn.c_proj")
    x = x + conv1d(F.gelu(conv1d(ln(x, p + ".ln_2"), p + ".mlp.c_fc"), approximate="tanh"), p + ".mlp.c_proj")
logits = ln(x, "transformer.ln_f") @ W["transformer.wte.weight"].T
loss = F.cross_entropy(logits.reshape(Bn * T, -1), torch.tensor(d["targets"]), ignore_index=-100)
out = {"logits": logits.reshape(-1).tolist(), "loss": loss.item()}
if lora:
    loss.backward()
    for m, (A, B) in lora.items():
        out[m + ".lora_A.weight"], out[m + ".lora_B.weight"] = A.grad.reshape(-1).tolist(), B.grad.reshape(-1).tolist()
print(json.dumps(out))
`;

interface Reference {
  logits: number[];
  loss: number;
  [grad: string]: number[] | number;
}

function torchReference(input: Record<string, unknown>): Reference {
  const run = spawnSync(python!, ['-c', TORCH_GPT2], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`torch reference failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Reference;
}

/** PyTorch's cross_entropy(ignore_index=-100) over our logits, in float64. */
function meanCrossEntropy(logits: Float32Array, targets: readonly number[], V: number): number {
  let sum = 0;
  let kept = 0;
  targets.forEach((t, i) => {
    if (t === -100) return;
    const row = logits.subarray(i * V, (i + 1) * V);
    const max = Math.max(...row);
    const logZ = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    sum += logZ - row[t]!;
    kept++;
  });
  return sum / kept;
}

describe.skipIf(!python)('GPT-2 against PyTorch', () => {
  const model = tinyGpt2(5);
  afterAll(() => model.cleanup());
  const [B, T] = [2, 9];
  const random = rng(11);
  const ids = Array.from({ length: B * T }, () => Math.floor(random() * model.vocab));

  it('forward: logits and loss within 1e-4, without and with a padding mask', async () => {
    // Row 1 is left-padded by 3: its pad keys are masked and its pad targets ignored.
    const mask = Array.from({ length: B * T }, (_, i) => (i >= T && i < T + 3 ? 0 : 1));
    const targets = shiftedTargets(ids, B, T, (b, t) => mask[b * T + t] === 0);
    for (const withMask of [false, true]) {
      const { session } = await buildSession(model.dir, { mode: 'forward', attentionMask: withMask });
      const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids, [B, T]) };
      if (withMask) feeds.attention_mask = int64(mask, [B, T]);
      const logits = (await session.run(feeds)).logits!;
      expect(logits.dims).toEqual([B, T, model.vocab]);
      const ref = torchReference({ dir: model.dir, ids, B, T, targets, mask: withMask ? mask : null, lora: {}, r: 1, scaling: 0 });
      expect(relError(logits.data as Float32Array, ref.logits), `logits, mask ${withMask}`).toBeLessThan(1e-4);
      expect(relError([meanCrossEntropy(logits.data as Float32Array, targets, model.vocab)], [ref.loss]), `loss, mask ${withMask}`).toBeLessThan(1e-4);
    }
  });

  it('training graph with LoRA on every linear layer: loss and every LoRA gradient within 1e-3', async () => {
    const lora = loraSettings('gpt2', { targets: 'all-linear', r: 4, alpha: 8 });
    const graph = await buildSession(model.dir, { mode: 'train', lora });
    const modules = [...new Set(graph.lora.map((s) => s.module))];
    expect(modules).toHaveLength(8); // c_attn, attn.c_proj, c_fc, mlp.c_proj × 2 layers
    const tensors = randomLora(graph.lora, 7);
    const targets = shiftedTargets(ids, B, T, (b, t) => b === 0 && t === 4);
    const ours = await graph.session.run({ input_ids: int64(ids, [B, T]), targets: int64(targets, [B, T]), ...loraFeeds(tensors) });

    const byModule = Object.fromEntries(modules.map((m) => [m, [Array.from(tensors.get(peftKeys(m).a)!.data), Array.from(tensors.get(peftKeys(m).b)!.data)]]));
    const ref = torchReference({ dir: model.dir, ids, B, T, targets, mask: null, lora: byModule, r: lora.r, scaling: loraScaling(lora) });

    expect(relError(ours.loss!.data as Float32Array, [ref.loss])).toBeLessThan(1e-4);
    for (const name of tensors.keys()) {
      const g = ours[`grad.${name}`]!.data as Float32Array;
      expect(Math.max(...g.map(Math.abs)), `${name} has a non-trivial gradient`).toBeGreaterThan(1e-6);
      expect(relError(g, ref[name.slice('base_model.model.'.length)] as number[]), `grad.${name}`).toBeLessThan(1e-3);
    }
  });
});
