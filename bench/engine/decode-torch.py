# The PyTorch peer of bench/engine-decode.ts: GPT-2 (GPT2LMHeadModel's arithmetic, written out in
# plain torch, no transformers) decoding greedily with a KV cache, eager, float32, on the same
# model folder. A line server: the benchmark starts it once, and each JSON line on stdin is a
# command answered by one JSON line on stdout, so the weights load once and the runs can take
# turns with the engine's.
#
#   {"cmd": "info"}                          → torch version, threads, BLAS, peak and current RSS
#   {"cmd": "decode", "prompt": [...], "tokens": 128} → seconds, the generated ids
#
# Run as: /usr/bin/python3 bench/engine/decode-torch.py MODEL_DIR THREADS
import json, math, os, re, resource, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F

model_dir, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)


def read_safetensors(path):
    # Tensor by tensor, so the file is never held twice (it would count toward the peak memory).
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", t["dtype"]
        b, e = t["data_offsets"]
        data = np.fromfile(path, dtype="<f4", count=(e - b) // 4, offset=8 + n + b)
        out[name] = torch.from_numpy(data).reshape(t["shape"])
    return out


W = read_safetensors(os.path.join(model_dir, "model.safetensors"))
cfg = json.load(open(os.path.join(model_dir, "config.json")))
H, nh, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
hd = H // nh
wte, wpe = W["transformer.wte.weight"], W["transformer.wpe.weight"]


def conv1d(x, m):  # transformers' Conv1D: addmm(bias, x, weight [in, out])
    return torch.addmm(W[m + ".bias"], x, W[m + ".weight"])


def ln(x, p):
    return F.layer_norm(x, (H,), W[p + ".weight"], W[p + ".bias"], eps)


def forward(ids, past):
    """ids: the new tokens [T]; past: per layer (k, v) [heads, P, hd] or None. Returns the last logits and the cache."""
    T = ids.shape[0]
    P = 0 if past[0] is None else past[0][0].shape[1]
    x = wte[ids] + wpe[P:P + T]
    present = []
    for i in range(L):
        p = "transformer.h.%d" % i
        q, k, v = conv1d(ln(x, p + ".ln_1"), p + ".attn.c_attn").split(H, dim=-1)
        q, k, v = (t.view(T, nh, hd).transpose(0, 1) for t in (q, k, v))
        if past[i] is not None:
            k, v = torch.cat([past[i][0], k], 1), torch.cat([past[i][1], v], 1)
        present.append((k, v))
        s = q @ k.transpose(-1, -2) / math.sqrt(hd)
        if T > 1:
            s = s.masked_fill(torch.ones(T, P + T, dtype=torch.bool).triu(P + 1), float("-inf"))
        a = (s.softmax(-1) @ v).transpose(0, 1).reshape(T, H)
        x = x + conv1d(a, p + ".attn.c_proj")
        x = x + conv1d(F.gelu(conv1d(ln(x, p + ".ln_2"), p + ".mlp.c_fc"), approximate="tanh"), p + ".mlp.c_proj")
    return F.linear(ln(x[-1:], "transformer.ln_f"), wte)[0], present


def decode(prompt, tokens):
    out = []
    with torch.inference_mode():
        start = time.perf_counter()
        logits, past = forward(torch.tensor(prompt), [None] * L)
        for step in range(tokens):
            nxt = int(logits.argmax())
            out.append(nxt)
            if step + 1 < tokens:
                logits, past = forward(torch.tensor([nxt]), past)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "ids": out}


def info():
    # The build names its BLAS ("generic" for Debian's: the system libblas.so.3); the libraries
    # mapped into this process say which one that resolved to (e.g. openblas-pthread).
    built = re.search(r"BLAS_INFO=([^,]+)", torch.__config__.show())
    mapped = sorted({line.split()[-1] for line in open("/proc/self/maps") if re.search(r"blas|mkl", line.split()[-1] if line.split() else "", re.I)})
    blas = ["BLAS_INFO=%s" % (built.group(1) if built else "?"), "loaded: " + (", ".join(mapped) or "none")]
    rss = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas, "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "rssBytes": rss}


print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["cmd"] == "decode":
        reply = decode(cmd["prompt"], cmd["tokens"])
    elif cmd["cmd"] == "info":
        reply = info()
    else:
        reply = {"error": "unknown command %r" % cmd["cmd"]}
    print(json.dumps(reply), flush=True)
