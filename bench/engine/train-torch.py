"""PyTorch's side of bench/engine-train.ts: the same GPT-2 files, LoRA on c_attn as PEFT computes it
(x·Aᵀ·Bᵀ·α/r beside the frozen Conv1D), AdamW on the LoRA tensors only, one batch of token ids.

A plain nn.Module (no transformers, no peft: neither is installed with Debian's python3-torch),
written as transformers' GPT2 eager path computes it, so both sides do the same arithmetic.
Prints one JSON line: step times, tokens/s, peak RSS, threads and which BLAS torch called.

usage: /usr/bin/python3 train-torch.py MODEL_DIR THREADS SEQ STEPS RANK ALPHA
"""
import json, math, re, resource, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F

model_dir, threads, T, steps, r, alpha = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
torch.set_num_threads(threads)
torch.manual_seed(0)


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header, base, out = json.loads(raw[8:8 + n]), 8 + n, {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", t["dtype"]
        b, e = t["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[base + b:base + e], dtype="<f4").copy()).reshape(t["shape"])
    return out


W = read_safetensors(model_dir + "/model.safetensors")
W = {k[len("transformer."):] if k.startswith("transformer.") else k: v for k, v in W.items()}
cfg = json.load(open(model_dir + "/config.json"))
H, nh, L, eps, V = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"], cfg["vocab_size"]
hd = H // nh
scaling = alpha / r


class Gpt2Lora(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lora = torch.nn.ParameterDict()
        for i in range(L):
            a = torch.empty(r, H)
            torch.nn.init.kaiming_uniform_(a, a=math.sqrt(5))  # PEFT's init
            self.lora[f"h{i}_A"] = torch.nn.Parameter(a)
            self.lora[f"h{i}_B"] = torch.nn.Parameter(torch.zeros(3 * H, r))

    def conv1d(self, x, m, layer=None):
        y = torch.addmm(W[m + ".bias"], x.reshape(-1, x.shape[-1]), W[m + ".weight"]).reshape(*x.shape[:-1], -1)
        if layer is not None:
            y = y + (x @ self.lora[f"h{layer}_A"].T @ self.lora[f"h{layer}_B"].T) * scaling
        return y

    def forward(self, ids, targets):
        Bn, T = ids.shape
        ln = lambda x, p: F.layer_norm(x, (H,), W[p + ".weight"], W[p + ".bias"], eps)
        heads = lambda t: t.reshape(Bn, T, nh, hd).transpose(1, 2)
        future = ~torch.tril(torch.ones(T, T, dtype=torch.bool))
        x = W["wte.weight"][ids] + W["wpe.weight"][torch.arange(T)]
        for i in range(L):
            p = f"h.{i}"
            q, k, v = self.conv1d(ln(x, p + ".ln_1"), p + ".attn.c_attn", i).split(H, dim=-1)
            s = (heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(hd)).masked_fill(future, float("-inf"))
            x = x + self.conv1d((s.softmax(-1) @ heads(v)).transpose(1, 2).reshape(Bn, T, H), p + ".attn.c_proj")
            x = x + self.conv1d(F.gelu(self.conv1d(ln(x, p + ".ln_2"), p + ".mlp.c_fc"), approximate="tanh"), p + ".mlp.c_proj")
        logits = ln(x, "ln_f") @ W["wte.weight"].T
        return F.cross_entropy(logits.reshape(Bn * T, -1), targets.reshape(-1), ignore_index=-100)


model = Gpt2Lora()
opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
gen = torch.Generator().manual_seed(1)
ids = torch.randint(0, V, (1, T), generator=gen)
targets = torch.cat([ids[:, 1:], torch.full((1, 1), -100)], dim=1)


def step():
    opt.zero_grad(set_to_none=True)
    loss = model(ids, targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.item()


step()  # warmup
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)

# torch.__config__.show() says BLAS_INFO=generic for Debian's build (it calls libblas.so.3); the
# library behind that name is whatever the alternatives system points it at, so read the maps.
blas_line = next((l.strip() for l in torch.__config__.show().splitlines() if "BLAS_INFO" in l), "")
blas_info = re.search(r"BLAS_INFO=([^,]+)", blas_line)
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if re.search(r"lib(open)?blas|libmkl|libblis", l)})
median = sorted(times)[len(times) // 2]
print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "blas": blas_info.group(1) if blas_info else blas_line,
    "blasLibraries": libs,
    "stepMs": [t * 1000 for t in times],
    "medianStepMs": median * 1000,
    "tokensPerSecond": T / median,
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
