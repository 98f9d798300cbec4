# The peer for bench/attribution-influence.ts: the same query arithmetic (TracIn's dot products and
# DataInf's three passes, engine/attribution/{tracin,datainf}.ts) in PyTorch over the same gradient
# store file, and the memory read rate of a plain one-thread numpy sum over the same bytes.
#
# Reads the store folder (index.json + gradients.bin, format engine/attribution/store-format.ts)
# and a query file (float32, the query's projected gradient block after block), decodes the store
# to float32 [n, k] per block (values × row scale), then times ROUNDS queries with 1 thread and with
# THREADS threads, median each. Writes the scores (float64 TracIn then DataInf) to OUT so the
# benchmark can check that both computed the same thing, and prints one JSON line.
#
# Run as: /usr/bin/python3 bench/engine/influence-torch.py STORE QUERY OUT THREADS ROUNDS
import json, os, statistics, sys, time
import numpy as np
import torch

store, query_file, out_file = sys.argv[1], sys.argv[2], sys.argv[3]
threads, rounds = int(sys.argv[4]), int(sys.argv[5])
index = json.load(open(os.path.join(store, "index.json")))
n = len(index["examples"])
blocks = index["blocks"]
width = 2 if index["dtype"] == "f16" else 4
raw = np.fromfile(os.path.join(store, "gradients.bin"), dtype=np.uint8)

def align8(x):
    return (x + 7) // 8 * 8

# The last checkpoint's sections (DataInf's); the layout walks every checkpoint's blocks in order.
at = 0
sections = []
for c in range(len(index["checkpoints"])):
    row = []
    for b in blocks:
        values = at
        scales = align8(values + n * b["k"] * width)
        exact = align8(scales + n * 4)
        at = align8(exact + n * 4)
        row.append((values, scales))
    sections.append(row)
grads = []
for b, (values, scales) in zip(blocks, sections[-1]):
    k = b["k"]
    v = raw[values:values + n * k * width].view(np.float16 if width == 2 else np.float32).astype(np.float32).reshape(n, k)
    s = raw[scales:scales + n * 4].view(np.float32)
    grads.append(torch.from_numpy(v * s[:, None]))
del raw
weight = index["checkpoints"][-1]["weight"]
q = np.fromfile(query_file, dtype=np.float32)
queries = []
off = 0
for b in blocks:
    queries.append(torch.from_numpy(q[off:off + b["k"]].copy()))
    off += b["k"]
sq = [(g.double() ** 2).sum(1) for g in grads]
# λ_l = mean_i ‖g_il‖² ('norm' damping, scale 1: the engine's default).
lambdas = [float(s.mean()) for s in sq]


def scores():
    tracin = torch.zeros(n, dtype=torch.float64)
    datainf = torch.zeros(n, dtype=torch.float64)
    for g, v, s, lam in zip(grads, queries, sq, lambdas):
        a = (g @ v).double()
        tracin += weight * a
        c = a / (lam + s)
        w = (c.float() @ g)
        b = (g @ w).double()
        datainf += (n * a - b) / (n * lam)
    return tracin, datainf


def timed(threads_now):
    torch.set_num_threads(threads_now)
    scores()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        scores()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


one = timed(1)
many = timed(threads)
tracin, datainf = scores()
np.concatenate([tracin.numpy(), datainf.numpy()]).astype(np.float64).tofile(out_file)

# One-thread read rate over the decoded store's bytes (numpy's vectorized sum, best of 3).
arrays = [g.numpy() for g in grads]
nbytes = sum(a.nbytes for a in arrays)
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    for a in arrays:
        a.sum()
    best = min(best, time.perf_counter() - start)
print(json.dumps({"torch_1_thread_s": one, "torch_threads_s": many, "threads": threads, "bytes": nbytes, "read_rate": nbytes / best}), flush=True)
