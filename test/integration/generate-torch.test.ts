/**
 * Greedy generation against PyTorch: 16 tokens with a LoRA adapter on the tiny GPT-2, Llama and
 * Qwen2 fixtures must be identical to a plain-torch greedy loop (float64, no transformers, the
 * whole sequence through the model at every step, the argmax of the last position) over the same
 * weights and adapter. Ours runs in float32 with the KV cache and the adapter's scaling folded
 * into B. Skipped, saying so, without python3-torch.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '../../engine/generate/index';
import type { LoraAdapter } from '../../engine/lora-io/adapter';
import type { TinyArchitecture } from '../fixtures/tiny-models';
import { randomAdapter, tinyModel } from './generate-fixture';

function findTorchPython(): string | undefined {
  // Debian's python3-torch lives under /usr/bin/python3; a pyenv python3 on PATH may lack it.
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

const python = findTorchPython();
if (!python) console.warn('generate-torch: skipped, python3-torch is not installed (apt-get install python3-torch)');

/** GPT2LMHeadModel and LlamaForCausalLM / Qwen2ForCausalLM arithmetic with PEFT's LoRA, greedy. */
const TORCH_GREEDY = `
import json, math, os, struct, sys, torch
import torch.nn.functional as F
d = json.load(sys.stdin)

def read_safetensors(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    out = {}
    for k, v in json.loads(b[8:8 + n]).items():
        if k == "__metadata__": continue
        assert v["dtype"] == "F32", v["dtype"]
        s, e = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(b[8 + n + s:8 + n + e]), dtype=torch.float32).reshape(v["shape"]).double()
    return out

W = read_safetensors(os.path.join(d["dir"], "model.safetensors"))
cfg = json.load(open(os.path.join(d["dir"], "config.json")))
scale = d["alpha"] / d["rank"]
lora = {m: (torch.tensor(a, dtype=torch.float64).reshape(d["rank"], -1), torch.tensor(b, dtype=torch.float64).reshape(-1, d["rank"])) for m, (a, b) in d["lora"].items()}

def adapt(x, m, y):  # PEFT: base(x) + lora_B(lora_A(x)) * scaling
    if m in lora:
        A, B = lora[m]
        y = y + (x @ A.T @ B.T) * scale
    return y

def gpt2(ids):
    H, nh, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    hd, T = H // nh, ids.shape[0]
    conv = lambda x, m: adapt(x, m, x @ W[m + ".weight"] + W[m + ".bias"])
    ln = lambda x, p: F.layer_norm(x, (H,), W[p + ".weight"], W[p + ".bias"], eps)
    heads = lambda t: t.reshape(T, nh, hd).transpose(0, 1)
    future = ~torch.tril(torch.ones(T, T, dtype=torch.bool))
    x = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][torch.arange(T)]
    for i in range(cfg["n_layer"]):
        p = "transformer.h.%d" % i
        q, k, v = conv(ln(x, p + ".ln_1"), p + ".attn.c_attn").split(H, dim=-1)
        s = (heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(hd)).masked_fill(future, float("-inf"))
        x = x + conv((s.softmax(-1) @ heads(v)).transpose(0, 1).reshape(T, H), p + ".attn.c_proj")
        x = x + conv(F.gelu(conv(ln(x, p + ".ln_2"), p + ".mlp.c_fc"), approximate="tanh"), p + ".mlp.c_proj")
    return ln(x, "transformer.ln_f")[-1] @ W["transformer.wte.weight"].T

def llama(ids):
    H, KV, hid = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["hidden_size"]
    D, T = cfg.get("head_dim") or hid // H, ids.shape[0]
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
    qkv_bias = cfg["model_type"] == "qwen2"
    def lin(x, m, bias):
        y = x @ W[m + ".weight"].T
        if bias: y = y + W[m + ".bias"]
        return adapt(x, m, y)
    rms = lambda x, w: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w
    inv = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))
    emb = torch.outer(torch.arange(T).float(), inv)
    emb = torch.cat([emb, emb], -1)
    cos, sin = emb.cos().double(), emb.sin().double()
    rope = lambda x: x * cos + torch.cat([-x[..., D // 2:], x[..., :D // 2]], -1) * sin
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    h = W["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d" % i
        x = rms(h, W[p + ".input_layernorm.weight"])
        q = rope(lin(x, p + ".self_attn.q_proj", qkv_bias).view(T, H, D).transpose(0, 1))
        k = rope(lin(x, p + ".self_attn.k_proj", qkv_bias).view(T, KV, D).transpose(0, 1))
        v = lin(x, p + ".self_attn.v_proj", qkv_bias).view(T, KV, D).transpose(0, 1)
        k, v = k.repeat_interleave(H // KV, dim=0), v.repeat_interleave(H // KV, dim=0)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D) + mask, -1) @ v
        h = h + lin(att.transpose(0, 1).reshape(T, H * D), p + ".self_attn.o_proj", False)
        x = rms(h, W[p + ".post_attention_layernorm.weight"])
        h = h + lin(F.silu(lin(x, p + ".mlp.gate_proj", False)) * lin(x, p + ".mlp.up_proj", False), p + ".mlp.down_proj", False)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else W["lm_head.weight"]
    return rms(h, W["model.norm.weight"])[-1] @ head.T

forward = gpt2 if cfg["model_type"] == "gpt2" else llama
ids, out, gaps = list(d["prompt"]), [], []
with torch.no_grad():
    for _ in range(d["steps"]):
        logits = forward(torch.tensor(ids))
        top2 = logits.topk(2).values
        gaps.append((top2[0] - top2[1]).item())
        ids.append(int(logits.argmax()))
        out.append(ids[-1])
print(json.dumps({"tokens": out, "min_gap": min(gaps)}))
`;

function torchGreedy(dir: string, prompt: number[], steps: number, adapter: LoraAdapter): { tokens: number[]; min_gap: number } {
  const input = {
    dir,
    prompt,
    steps,
    rank: adapter.settings.r,
    alpha: adapter.settings.alpha,
    lora: Object.fromEntries(adapter.modules.map((m) => [m.module, [Array.from(m.a), Array.from(m.b)]])),
  };
  const run = spawnSync(python!, ['-c', TORCH_GREEDY], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`torch greedy failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { tokens: number[]; min_gap: number };
}

const CASES: { arch: TinyArchitecture; targets: 'all-linear' | 'default'; r: number; alpha: number }[] = [
  { arch: 'gpt2', targets: 'all-linear', r: 4, alpha: 8 },
  { arch: 'llama', targets: 'default', r: 4, alpha: 16 },
  { arch: 'qwen2', targets: 'all-linear', r: 2, alpha: 4 },
];

describe.skipIf(!python)('greedy generation against PyTorch', () => {
  const open: Generator[] = [];
  afterAll(async () => {
    for (const g of open) await g.close();
  });

  it.each(CASES)('$arch with a LoRA adapter ($targets, r $r, alpha $alpha): 16 tokens identical to torch', async ({ arch, targets, r, alpha }) => {
    const { dir } = tinyModel(arch, 31);
    const adapter = randomAdapter(dir, { r, alpha, targets }, 8);
    const gen = await Generator.open(dir);
    open.push(gen);
    const prompt = gen.tokenizer.encode('Once upon a time there was a tiny model');
    const ours = await gen.generate(prompt, { maxTokens: 16, eosTokenIds: [], adapter });
    const ref = torchGreedy(dir, prompt, 16, adapter);
    expect(ours.tokenIds).toEqual(ref.tokens);
    // The adapter matters (otherwise the comparison would not test it).
    expect((await gen.generate(prompt, { maxTokens: 16, eosTokenIds: [] })).tokenIds).not.toEqual(ref.tokens);
    // How close the closest call was: float32 rounding (~1e-6 here) must not decide a token.
    expect(ref.min_gap, 'the smallest gap between the top two logits in torch').toBeGreaterThan(1e-4);
  });
});
