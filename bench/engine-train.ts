// LoRA training speed (issue 7): the engine's trainer (engine/train/trainer.ts, ONNX Runtime CPU)
// against PyTorch (bench/engine/train-torch.py: a plain torch GPT-2 with LoRA and AdamW) on the
// GPT-2-shaped benchmark model (6 layers, width 512, vocabulary 50,257), LoRA rank 8 on c_attn,
// batch 1 × sequence 256, the same thread count for both. Each round runs a warmup step and then
// `steps` timed steps on each side, engine then PyTorch; rounds alternate so that a change in the
// machine's load hits both. Medians are the result; the best steps are printed too, as the figure
// least touched by other work on a shared machine. Also: peak RSS of each, and how far each is from the machine's limit
// (the FLOPs of a step over the float32 matmul rate ONNX Runtime reaches in this run).
//
//   node scripts/run-ts.mjs bench/engine-train.ts [threads=2] [steps=5] [rounds=2] [nospin]
// (nospin: the engine's threads do not spin between kernels, SessionTuning.spinWait false)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModelConfig } from '../engine/models/config';
import { runTraining } from '../engine/train/trainer';
import type { TrainBatch, TrainingData } from '../engine/train/training-data';
import { benchModelDir } from './engine/bench-model';
import { gpt2LoraStepFlops } from './engine/train-flops';
import { bestMatmulRate } from './engine/train-matmul-rate';

const THREADS = Number(process.argv[2] ?? 2);
const STEPS = Number(process.argv[3] ?? 5);
const ROUNDS = Number(process.argv[4] ?? 2);
const SPIN = process.argv[5] !== 'nospin';
const SEQ = 256;
const RANK = 8;
const ALPHA = 16;
const PYTHON = '/usr/bin/python3';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The same 256 token ids every step (as the PyTorch side does): speed does not depend on which. */
function fixedBatch(vocab: number): TrainingData {
  let x = 12345;
  const ids = BigInt64Array.from({ length: SEQ }, () => BigInt((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % vocab));
  const targets = BigInt64Array.from({ length: SEQ }, (_, i) => (i + 1 < SEQ ? ids[i + 1]! : -100n));
  const batch: TrainBatch = { size: 1, length: SEQ, inputIds: ids, targets, targetCount: SEQ - 1 };
  return {
    fingerprint: 'bench',
    batchesPerEpoch: () => 1,
    train: () => ({ next: () => batch, savePosition: () => '{}' }),
  };
}

async function engineRound(dir: string, vocab: number): Promise<number[]> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-train-'));
  const stamps: number[] = [];
  try {
    await runTraining(
      {
        modelDir: dir,
        outDir: out,
        data: fixedBatch(vocab),
        maxSteps: STEPS + 1,
        lr: 1e-4,
        batchSize: 1,
        checkpointEvery: 0,
        lora: { r: RANK, alpha: ALPHA, targets: 'default' },
        session: { threads: THREADS, spinWait: SPIN },
      },
      { onProgress: () => stamps.push(performance.now()) },
    );
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  // Step k's time is the gap between its progress event and the one before (step 1 is the warmup).
  return stamps.slice(1).map((t, i) => t - stamps[i]!);
}

interface TorchRun {
  torch: string;
  threads: number;
  blas: string;
  blasLibraries: string[];
  stepMs: number[];
  peakRssMiB: number;
}

function torchRound(dir: string): TorchRun {
  const threads = String(THREADS);
  const run = spawnSync(PYTHON, [path.join('bench', 'engine', 'train-torch.py'), dir, threads, String(SEQ), String(STEPS), String(RANK), String(ALPHA)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads },
  });
  if (run.status !== 0) throw new Error(`PyTorch side failed (is python3-torch installed for ${PYTHON}?): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchRun;
}

const dir = benchModelDir();
const cfg = loadModelConfig(dir);
const flops = gpt2LoraStepFlops({ layers: cfg.numLayers, hidden: cfg.hiddenSize, inner: cfg.intermediateSize, vocab: cfg.vocabSize, tokens: SEQ, seq: SEQ, rank: RANK });

const engineMs: number[] = [];
const torchMs: number[] = [];
let torchInfo: TorchRun | undefined;
let torchPeak = 0;
// The matmul rate is taken each round and the best kept: other work on the machine only lowers it.
let rate = 0;
// Each round's ratio of medians: the two sides of a round run minutes apart at most, so a load
// that comes and goes skews a round's ratio less than it skews the pooled medians.
const roundRatios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  rate = Math.max(rate, await bestMatmulRate(THREADS));
  const ours = await engineRound(dir, cfg.vocabSize);
  torchInfo = torchRound(dir);
  engineMs.push(...ours);
  torchMs.push(...torchInfo.stepMs);
  torchPeak = Math.max(torchPeak, torchInfo.peakRssMiB);
  roundRatios.push(median(torchInfo.stepMs) / median(ours));
}
const limitMs = (flops.total / rate) * 1000;
const enginePeak = process.resourceUsage().maxRSS / 1024;
const [e, t] = [median(engineMs), median(torchMs)];
const ram = os.totalmem() / 2 ** 20;

console.log(`model: ${cfg.numLayers} layers × ${cfg.hiddenSize}, vocabulary ${fmt(cfg.vocabSize)}; LoRA r ${RANK} on c_attn; batch 1 × ${SEQ}; ${THREADS} threads; ${ROUNDS} rounds × ${STEPS} steps after a warmup step${SPIN ? '' : '; engine threads not spinning'}`);
console.log(`PyTorch ${torchInfo!.torch}, BLAS_INFO=${torchInfo!.blas}, BLAS loaded: ${torchInfo!.blasLibraries.join(', ') || 'none found'}; threads ${torchInfo!.threads}`);
console.log(`step FLOPs: forward ${fmt(flops.forward / 1e9, 1)} G + backward ${fmt(flops.backward / 1e9, 1)} G = ${fmt(flops.total / 1e9, 1)} G; ORT matmul rate ${fmt(rate / 1e9, 1)} GFLOP/s (best of 512³, 1024³, 2048³ over the rounds, ${THREADS} threads) → limit ${fmt(limitMs)} ms a step (${fmt((SEQ / limitMs) * 1000)} tokens/s)`);
console.log(`engine : ${fmt(e)} ms a step (best ${fmt(Math.min(...engineMs))}; ${engineMs.map((x) => fmt(x)).join(', ')}), ${fmt((SEQ / e) * 1000)} tokens/s, ${fmt(flops.total / (e / 1000) / 1e9, 1)} GFLOP/s = ${fmt((100 * limitMs) / e)}% of the limit; peak RSS ${fmt(enginePeak)} MiB (${fmt((100 * enginePeak) / ram, 1)}% of ${fmt(ram / 1024, 1)} GiB)`);
console.log(`PyTorch: ${fmt(t)} ms a step (best ${fmt(Math.min(...torchMs))}; ${torchMs.map((x) => fmt(x)).join(', ')}), ${fmt((SEQ / t) * 1000)} tokens/s, ${fmt(flops.total / (t / 1000) / 1e9, 1)} GFLOP/s = ${fmt((100 * limitMs) / t)}% of the limit; peak RSS ${fmt(torchPeak)} MiB`);
console.log(
  `ratio engine/PyTorch tokens/s: ${(t / e).toFixed(2)} on medians, ${(Math.min(...torchMs) / Math.min(...engineMs)).toFixed(2)} on best steps, by round ${roundRatios.map((r) => r.toFixed(2)).join(', ')} (median ${median(roundRatios).toFixed(2)}) (target ≥ 1.5); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
);
console.log(
  JSON.stringify({ threads: THREADS, engineMs: e, torchMs: t, engineBestMs: Math.min(...engineMs), torchBestMs: Math.min(...torchMs), ratio: t / e, roundRatios, limitMs, flops: flops.total, matmulGflops: rate / 1e9, enginePeakRssMiB: enginePeak, torchPeakRssMiB: torchPeak, loadAverage: os.loadavg() }),
);
