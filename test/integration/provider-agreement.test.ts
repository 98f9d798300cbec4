/**
 * The CPU and WebGPU execution providers compute the same model: logits of the forward graph, the
 * loss and every LoRA gradient of the training graph, and 8 greedy tokens, on the tiny GPT-2 and
 * Llama fixtures. Without a GPU, WebGPU runs on SwiftShader (Debian's chromium ships it; .ci/run
 * installs chromium and libvulkan1), a Vulkan driver on the CPU that runs the same WGSL kernels.
 *
 * Tolerances, relative to the norm of the CPU result: both providers compute in float32 but sum in
 * different orders (MLAS's blocked FMA kernels against WebGPU's tiled shaders) and take exp, tanh
 * and sqrt from different libraries, each off by a few float32 ulps (~1e-7). Over two layers that
 * comes to ~1e-6 (measured with SwiftShader: logits and gradients 3e-7 to 1.1e-6). 1e-4 for
 * logits and loss leaves a GPU with other rounding 100x room; a wrong kernel is off by O(1).
 * Gradients get 1e-3: the backward pass chains three times the ops, and a small LoRA gradient
 * tensor has a small norm to divide by.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loraSettings } from '../../engine/lora-io/adapter';
import { buildCausalLmGraph } from '../../engine/models/causal-lm';
import { createSession, probeProvider, type ExecutionProvider } from '../../engine/runtime/providers';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';
import { rng } from '../unit/graph-gradcheck';
import { relError } from './gpt2-fixture';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

// The Vulkan loader reads VK_ICD_FILENAMES when the first WebGPU session creates its instance,
// not when onnxruntime-node loads, so setting it here, before any session, is in time. It has to be
// this process's real environment: vitest runs each file in a forked process (its default pool),
// where process.env writes reach the C library. A VK_ICD_FILENAMES already set (a real GPU's
// driver) is kept.
if (!process.env.VK_ICD_FILENAMES && fs.existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
// Mesa's device-select layer asks Wayland for the default GPU and prints an error without this.
const runtimeDir = process.env.XDG_RUNTIME_DIR ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'agree-xdg-'));
if (runtimeDir) process.env.XDG_RUNTIME_DIR = runtimeDir;
afterAll(() => {
  if (runtimeDir) fs.rmSync(runtimeDir, { recursive: true, force: true });
});

const webgpu = await probeProvider('webgpu');
const skipWhy = webgpu.status === 'works' ? null : `webgpu is ${webgpu.status}: ${webgpu.reason} (${webgpu.remedy})`;
if (skipWhy) console.warn(`provider-agreement: skipped, ${skipWhy}`);

const [B, T] = [2, 8];

type Feeds = Record<string, OrtTensor>;
const int64 = (values: readonly number[], dims: number[]) => new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
const floats = (out: InferenceSession.OnnxValueMapType, name: string) => out[name]!.data as Float32Array;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

/** Which ops each provider ran, from ONNX Runtime's profile of one session. */
function opsByProvider(dir: string, prefix: string): Map<string, Set<string>> {
  const file = fs.readdirSync(dir).find((f) => f.startsWith(`${prefix}_`) && f.endsWith('.json'));
  if (!file) throw new Error(`no profile ${prefix}_*.json in ${dir}`);
  const events = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { cat: string; args?: { provider?: string; op_name?: string } }[];
  const out = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.args?.provider || !e.args.op_name) continue;
    if (!out.has(e.args.provider)) out.set(e.args.provider, new Set());
    out.get(e.args.provider)!.add(e.args.op_name);
  }
  return out;
}

/** Greedy decoding the plain way: the whole sequence through the forward graph, argmax of the last position, append. */
async function greedy(session: InferenceSession, prompt: readonly number[], steps: number): Promise<{ tokens: number[]; minGap: number }> {
  const ids = [...prompt];
  let minGap = Infinity;
  for (let s = 0; s < steps; s++) {
    const logits = floats(await session.run({ input_ids: int64(ids, [1, ids.length]) }), 'logits');
    const vocab = logits.length / ids.length;
    const last = logits.subarray((ids.length - 1) * vocab);
    let best = 0;
    for (let v = 1; v < vocab; v++) if (last[v]! > last[best]!) best = v;
    const runnerUp = Math.max(...Array.from(last).filter((_, v) => v !== best));
    minGap = Math.min(minGap, last[best]! - runnerUp);
    ids.push(best);
  }
  return { tokens: ids.slice(prompt.length), minGap };
}

describe.skipIf(skipWhy !== null)(`cpu and webgpu agree${skipWhy ? ` (skipped: ${skipWhy})` : ` (webgpu adapter: ${webgpu.adapter?.detail})`}`, () => {
  describe.each(['gpt2', 'llama'] as const)('%s', (architecture) => {
    const forward = new Map<ExecutionProvider, InferenceSession>();
    const train = new Map<ExecutionProvider, InferenceSession>();
    let profiles = '';
    let vocab = 0;
    const trainFeeds: Feeds = {};
    const loraNames: string[] = [];

    beforeAll(async () => {
      const dir = tempDir(`agree-${architecture}-`);
      profiles = tempDir(`agree-${architecture}-profile-`);
      vocab = writeTinyModel(dir, { architecture, seed: 5, layers: 2 }).vocabSize;
      const fwd = (await buildCausalLmGraph(dir, { mode: 'forward' })).graph.encode();
      const built = await buildCausalLmGraph(dir, { mode: 'train', lora: loraSettings(architecture, { r: 4, alpha: 8 }) });
      const trainModel = built.graph.encode();
      for (const provider of ['cpu', 'webgpu'] as const) {
        forward.set(provider, await createSession(fwd, { provider, profilePrefix: provider === 'webgpu' ? path.join(profiles, provider) : undefined }));
        train.set(provider, await createSession(trainModel, { provider }));
      }
      const random = rng(11);
      const ids = Array.from({ length: B * T }, () => Math.floor(random() * vocab));
      trainFeeds.input_ids = int64(ids, [B, T]);
      trainFeeds.targets = int64(ids.map((_, i) => (i % T === T - 1 ? -100 : ids[i + 1]!)), [B, T]);
      // B non-zero (unlike a fresh adapter), so that A's gradients are not zero too.
      for (const s of built.lora) {
        trainFeeds[s.name] = new Tensor('float32', Float32Array.from({ length: s.shape[0] * s.shape[1] }, () => 0.4 * (random() - 0.5)), s.shape);
        loraNames.push(s.name);
      }
    }, 120_000);

    it('logits of the forward graph, with MatMul and Softmax run by the WebGPU provider', async () => {
      const ids = int64(Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % vocab), [B, T]);
      const cpu = floats(await forward.get('cpu')!.run({ input_ids: ids }), 'logits');
      const gpu = floats(await forward.get('webgpu')!.run({ input_ids: ids }), 'logits');
      expect(gpu.length).toBe(B * T * vocab);
      expect(relError(gpu, cpu)).toBeLessThan(1e-4);
      expect(maxAbsDiff(gpu, cpu)).toBeLessThan(1e-3 * Math.max(...cpu.map(Math.abs)));

      // Agreement proves nothing if ONNX Runtime had quietly put every node on the CPU.
      forward.get('webgpu')!.endProfiling();
      const ran = opsByProvider(profiles, 'webgpu').get('WebGpuExecutionProvider') ?? new Set();
      expect([...ran]).toEqual(expect.arrayContaining(['MatMul', 'Softmax']));
    });

    it('loss and every LoRA gradient of the training graph', async () => {
      const cpu = await train.get('cpu')!.run(trainFeeds);
      const gpu = await train.get('webgpu')!.run(trainFeeds);
      const [lc, lg] = [floats(cpu, 'loss')[0]!, floats(gpu, 'loss')[0]!];
      expect(Number.isFinite(lc) && lc > 0).toBe(true);
      expect(Math.abs(lg - lc) / lc).toBeLessThan(1e-4);
      expect(loraNames.length).toBeGreaterThan(0);
      for (const name of loraNames) {
        const gc = floats(cpu, `grad.${name}`);
        expect(gc.some((v) => v !== 0), `grad.${name} is all zeros on cpu`).toBe(true);
        expect(relError(floats(gpu, `grad.${name}`), gc), `grad.${name}`).toBeLessThan(1e-3);
      }
    });

    it('8 greedy tokens, identical', async () => {
      const prompt = [3, 17 % vocab, 29 % vocab, 5];
      const cpu = await greedy(forward.get('cpu')!, prompt, 8);
      const gpu = await greedy(forward.get('webgpu')!, prompt, 8);
      expect(gpu.tokens, `closest top-2 logit gap on cpu: ${cpu.minGap}`).toEqual(cpu.tokens);
    });
  });
});
