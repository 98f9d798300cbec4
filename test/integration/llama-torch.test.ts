/**
 * The Llama-family graphs against PyTorch: the tiny Llama and Qwen2 fixtures run in a small
 * pure-torch model (float64, weights read by a tiny safetensors reader of its own) on the same token
 * ids and random non-zero LoRA tensors. Logits and loss within a relative error of 1e-4, LoRA
 * gradients from our backward graph against torch.autograd within 1e-3; a bf16 checkpoint against
 * torch on the same bf16 → f32 weights. Skipped, saying so, where python3-torch is missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loraSettings } from '../../engine/lora-io/adapter';
import { buildCausalLmGraph } from '../../engine/models/causal-lm';
import type { LoraTensorSpec } from '../../engine/models/lora';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel, type TinyModelOptions } from '../fixtures/tiny-models';
import { rng } from '../unit/graph-gradcheck';

function findTorchPython(): string | undefined {
  // Debian's python3-torch lives under /usr/bin/python3; a pyenv python3 on PATH may lack it.
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

const python = findTorchPython();
if (!python) console.warn('llama-torch: skipped, python3-torch is not installed (apt-get install python3-torch)');

/** transformers' LlamaForCausalLM / Qwen2ForCausalLM arithmetic with PEFT's LoRA, written out in torch. */
const TORCH_SCRIPT = `
import json, math, os, struct, sys, torch
import torch.nn.functional as F
d = json.load(sys.stdin)

def read_safetensors(path):
    with open(path, "rb") as f:
        b = f.read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        s, e = v["data_offsets"]
        t = torch.frombuffer(bytearray(b[8 + n + s:8 + n + e]), dtype=dtypes[v["dtype"]])
        out[k] = t.reshape(v["shape"]).to(torch.float64)
    return out

W = read_safetensors(os.path.join(d["dir"], "model.safetensors"))
cfg = json.load(open(os.path.join(d["dir"], "config.json")))
H, KV, hid = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["hidden_size"]
D = cfg.get("head_dim") or hid // H
eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
qkv_bias = cfg["model_type"] == "qwen2"
scale = d["alpha"] / d["rank"]
lora = {k: torch.tensor(v, dtype=torch.float64).reshape(d["shapes"][k]).requires_grad_() for k, v in d["lora"].items()}
ids = torch.tensor(d["ids"])
B, T = ids.shape

def lin(x, p, bias):
    y = x @ W[p + ".weight"].T
    if bias:
        y = y + W[p + ".bias"]
    a = lora.get("base_model.model." + p + ".lora_A.weight")
    if a is not None:
        y = y + (x @ a.T @ lora["base_model.model." + p + ".lora_B.weight"].T) * scale
    return y

def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w

# As LlamaRotaryEmbedding: inv_freq and the angles in float32.
inv = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))
rs = cfg.get("rope_scaling")
if rs and rs.get("rope_type", rs.get("type")) == "linear":
    inv = inv / rs["factor"]
elif rs and rs.get("rope_type", rs.get("type")) == "llama3":
    # transformers' _compute_llama3_parameters.
    factor, lf, hf, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
    wavelen = 2 * math.pi / inv
    inv_l = torch.where(wavelen > old / lf, inv / factor, inv)
    smooth = (old / wavelen - lf) / (hf - lf)
    smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
    medium = ~(wavelen < old / hf) * ~(wavelen > old / lf)
    inv = torch.where(medium, smoothed, inv_l)
emb = torch.outer(torch.arange(T).float(), inv)
emb = torch.cat([emb, emb], -1)
cos, sin = emb.cos().double(), emb.sin().double()
def rope(x):
    x1, x2 = x[..., :D // 2], x[..., D // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin

mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
h = W["model.embed_tokens.weight"][ids]
for i in range(cfg["num_hidden_layers"]):
    p = "model.layers.%d" % i
    x = rms(h, W[p + ".input_layernorm.weight"])
    q = rope(lin(x, p + ".self_attn.q_proj", qkv_bias).view(B, T, H, D).transpose(1, 2))
    k = rope(lin(x, p + ".self_attn.k_proj", qkv_bias).view(B, T, KV, D).transpose(1, 2))
    v = lin(x, p + ".self_attn.v_proj", qkv_bias).view(B, T, KV, D).transpose(1, 2)
    k, v = k.repeat_interleave(H // KV, dim=1), v.repeat_interleave(H // KV, dim=1)
    att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D) + mask, -1) @ v
    h = h + lin(att.transpose(1, 2).reshape(B, T, H * D), p + ".self_attn.o_proj", False)
    x = rms(h, W[p + ".post_attention_layernorm.weight"])
    h = h + lin(F.silu(lin(x, p + ".mlp.gate_proj", False)) * lin(x, p + ".mlp.up_proj", False), p + ".mlp.down_proj", False)
h = rms(h, W["model.norm.weight"])
head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else W["lm_head.weight"]
logits = h @ head.T
loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.tensor(d["targets"]).reshape(-1), ignore_index=-100)
loss.backward()
out = {"logits": logits.reshape(-1).tolist(), "loss": loss.item()}
for k, t in lora.items():
    out["grad." + k] = t.grad.reshape(-1).tolist()
print(json.dumps(out))
`;

const relError = (ours: ArrayLike<number>, ref: readonly number[]) => {
  expect(ours.length).toBe(ref.length);
  let diff = 0, norm = 0;
  ref.forEach((r, i) => {
    diff += (ours[i]! - r) ** 2;
    norm += r * r;
  });
  return Math.sqrt(diff / norm);
};

interface Case {
  fixture: TinyModelOptions;
  lora: { rank: number; alpha: number; targets?: string[] | 'all-linear' };
  /** Fields to set in config.json after the fixture is written. */
  config?: Record<string, unknown>;
}

async function compare({ fixture, lora, config }: Case): Promise<void> {
  const model = writeTinyModel(tempDir('llama-torch-'), fixture);
  if (config) fs.writeFileSync(path.join(model.dir, 'config.json'), JSON.stringify({ ...model.config, ...config }));
  const settings = loraSettings(model.config.model_type as 'llama' | 'qwen2', { r: lora.rank, alpha: lora.alpha, targets: lora.targets });
  const forward = await buildCausalLmGraph(model.dir, { mode: 'forward', lora: settings });
  const train = await buildCausalLmGraph(model.dir, { mode: 'train', lora: settings });
  const [B, T, V] = [2, 7, model.vocabSize];

  const random = rng(fixture.seed ?? 1);
  const ids = Array.from({ length: B * T }, () => Math.floor(random() * V));
  // Next-token targets, a few ignored (a masked prompt, the last position).
  const targets = ids.map((_, i) => (i % T === T - 1 || i % T === 1 ? -100 : ids[i + 1]!));
  // Random non-zero A and B (B is zero at PEFT's init, which would leave every A gradient zero).
  const loraData = new Map<string, Float32Array>(forward.lora.map((s: LoraTensorSpec) => [s.name, Float32Array.from({ length: s.shape[0] * s.shape[1] }, () => 0.4 * (random() - 0.5))]));
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [B, T]),
    targets: new ort.Tensor('int64', BigInt64Array.from(targets, BigInt), [B, T]),
  };
  for (const s of forward.lora) feeds[s.name] = new ort.Tensor('float32', loraData.get(s.name)!, s.shape);

  const forwardSession = await ort.InferenceSession.create(forward.graph.encode());
  const forwardFeeds = Object.fromEntries(Object.entries(feeds).filter(([k]) => k !== 'targets'));
  const logits = (await forwardSession.run(forwardFeeds)).logits!;
  expect(logits.dims).toEqual([B, T, V]);
  const trained = await (await ort.InferenceSession.create(train.graph.encode())).run(feeds);

  const input = {
    dir: model.dir,
    ids: [ids.slice(0, T), ids.slice(T)],
    targets: [targets.slice(0, T), targets.slice(T)],
    rank: lora.rank,
    alpha: lora.alpha,
    lora: Object.fromEntries([...loraData].map(([k, v]) => [k, Array.from(v)])),
    shapes: Object.fromEntries(forward.lora.map((s) => [s.name, s.shape])),
  };
  const torch = spawnSync(python!, ['-c', TORCH_SCRIPT], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(torch.status, torch.stderr).toBe(0);
  const ref = JSON.parse(torch.stdout) as Record<string, number | number[]>;

  expect(relError(logits.data as Float32Array, ref.logits as number[]), 'logits').toBeLessThan(1e-4);
  expect(relError([(trained.loss!.data as Float32Array)[0]!], [ref.loss as number]), 'loss').toBeLessThan(1e-4);
  expect(train.lora.length).toBeGreaterThan(0);
  for (const s of train.lora) {
    expect(relError(trained[`grad.${s.name}`]!.data as Float32Array, ref[`grad.${s.name}`] as number[]), `grad of ${s.name}`).toBeLessThan(1e-3);
  }
}

describe.skipIf(!python)('Llama-family graphs against PyTorch', () => {
  it('Llama (grouped-query attention, separate lm_head), LoRA on q_proj and v_proj: logits, loss, gradients', async () => {
    await compare({ fixture: { architecture: 'llama', seed: 3 }, lora: { rank: 4, alpha: 8 } });
  });

  it('Qwen2 (q/k/v biases, tied lm_head), LoRA on all linear layers', async () => {
    await compare({ fixture: { architecture: 'qwen2', seed: 5 }, lora: { rank: 2, alpha: 16, targets: 'all-linear' } });
  });

  it('Llama with head_dim other than hidden / heads and no grouping (SmolLM2-like kv heads = heads)', async () => {
    await compare({ fixture: { architecture: 'llama', seed: 7, headDim: 16, kvHeads: 4, layers: 1 }, lora: { rank: 3, alpha: 3, targets: ['k_proj', 'o_proj', 'down_proj'] } });
  });

  it('RoPE scaling: llama3 (the tiny head has four frequencies, high, medium and low) and linear', async () => {
    const llama3 = { rope_type: 'llama3', factor: 4, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 };
    await compare({ fixture: { architecture: 'llama', seed: 13, layers: 1 }, lora: { rank: 2, alpha: 4 }, config: { rope_scaling: llama3 } });
    await compare({ fixture: { architecture: 'llama', seed: 13, layers: 1 }, lora: { rank: 2, alpha: 4 }, config: { rope_scaling: { type: 'linear', factor: 2 } } });
  });

  it('a bf16 checkpoint loads and matches torch on the same bf16 → f32 weights', async () => {
    await compare({ fixture: { architecture: 'llama', seed: 11, dtype: 'bfloat16' }, lora: { rank: 4, alpha: 8 } });
  });
});
