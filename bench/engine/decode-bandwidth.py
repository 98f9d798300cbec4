# The memory read bandwidth for bench/engine-decode.ts, in a process of its own (its buffer must
# not count toward the engine's or PyTorch's peak memory). A line server like decode-torch.py:
# each {"cmd": "measure"} line is answered with the read rates of a few readers over a 512 MiB
# float32 buffer (far beyond the caches), best of a few passes each:
#   - numpy's sum, one thread (vectorized, the plain streaming read);
#   - torch's sum with THREADS threads (the benchmark's thread count, as the decoders use).
# The benchmark takes the fastest as the bandwidth: each is a lower bound on what the memory gives.
#
# Run as: /usr/bin/python3 bench/engine/decode-bandwidth.py THREADS
import json, sys, time
import numpy as np
import torch

threads = int(sys.argv[1])
torch.set_num_threads(threads)
buf = np.ones(128 * 1024 * 1024, dtype=np.float32)
as_torch = torch.from_numpy(buf)


def rate(read, passes=5):
    read()
    best = min(timed(read) for _ in range(passes))
    return buf.nbytes / best


def timed(read):
    start = time.perf_counter()
    read()
    return time.perf_counter() - start


print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["cmd"] != "measure":
        print(json.dumps({"error": "unknown command %r" % cmd["cmd"]}), flush=True)
        continue
    print(json.dumps({
        "bytes": buf.nbytes,
        "numpy sum, 1 thread": rate(buf.sum),
        "torch sum, %d threads" % threads: rate(as_torch.sum),
    }), flush=True)
