import { probeInChild, tidyReason, type ChildProbeOptions } from './child-probe';
import { classifyAdapter, type AdapterInfo } from './gpu-evidence';
import { probeGraph, probeMismatch } from './probe-graph';
import { EXECUTION_PROVIDERS, type ExecutionProvider } from './provider-names';
import { providerSupport } from './provider-support';
import { sessionOptions } from './session-options';

/** works: ran the probe graph correctly; unavailable: not on this OS/build, or no device; failed: there, but broke. */
export type ProviderStatus = 'works' | 'unavailable' | 'failed';

export interface ProviderProbe {
  provider: ExecutionProvider;
  status: ProviderStatus;
  /** Why it is unavailable or failed; null when it works. */
  reason: string | null;
  /** What a person can do about it; null when there is nothing to do. */
  remedy: string | null;
  /** Session creation + one run of the probe graph (kernel compilation included). */
  elapsedMs: number | null;
  /** WebGPU only: which adapter it got. */
  adapter: AdapterInfo | null;
}

const FIX_DRIVER: Record<ExecutionProvider, string> = {
  cpu: 'Reinstall with `npm ci`.',
  webgpu:
    process.platform === 'linux'
      ? 'Install your GPU\'s Vulkan driver and libvulkan1 (README, "GPU"); training and inference run on the CPU meanwhile.'
      : 'Update your GPU driver (README, "GPU"); training and inference run on the CPU meanwhile.',
  cuda: 'Check the NVIDIA driver and CUDA 12 (`nvidia-smi`), README "GPU"; use webgpu or cpu meanwhile.',
  dml: 'Update your GPU driver; use webgpu or cpu meanwhile.',
  coreml: 'Use webgpu or cpu.',
};

const result = (provider: ExecutionProvider, status: ProviderStatus, fields: Partial<ProviderProbe> = {}): ProviderProbe => ({
  provider,
  status,
  reason: null,
  remedy: null,
  elapsedMs: null,
  adapter: null,
  ...fields,
});

/** The CPU provider in this process: it loads no driver, so there is nothing to isolate. */
async function probeCpu(): Promise<ProviderProbe> {
  try {
    const ort = await import('onnxruntime-node');
    const graph = probeGraph();
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(graph.model, sessionOptions('cpu', { threads: 1 }));
    const out = await session.run({ [graph.input.name]: new ort.Tensor('float32', graph.input.data, graph.input.dims) });
    const elapsedMs = Math.round(performance.now() - t0);
    await session.release();
    const wrong = probeMismatch(out[graph.output]!.data as Float32Array);
    return wrong ? result('cpu', 'failed', { reason: `the CPU provider ${wrong}`, remedy: FIX_DRIVER.cpu }) : result('cpu', 'works', { elapsedMs });
  } catch (e) {
    return result('cpu', 'failed', { reason: tidyReason(e instanceof Error ? e.message : String(e)), remedy: FIX_DRIVER.cpu });
  }
}

async function runProbe(provider: ExecutionProvider, options: ChildProbeOptions): Promise<ProviderProbe> {
  const support = await providerSupport(provider);
  if (!support.available) return result(provider, 'unavailable', { reason: support.reason, remedy: support.remedy });
  if (provider === 'cpu') return probeCpu();
  const run = await probeInChild(provider, options);
  if (!run.ok) {
    // No adapter is the usual state of a machine without a GPU driver, not a fault.
    const status = /^no WebGPU adapter/.test(run.reason) ? 'unavailable' : 'failed';
    return result(provider, status, { reason: run.reason, remedy: FIX_DRIVER[provider] });
  }
  const wrong = probeMismatch(run.output);
  if (wrong) return result(provider, 'failed', { reason: `the ${provider} provider ${wrong}`, remedy: FIX_DRIVER[provider] });
  const adapter = provider === 'webgpu' ? classifyAdapter(process.platform, run.evidence) : null;
  return result(provider, 'works', { elapsedMs: run.elapsedMs, adapter });
}

export interface ProbeOptions extends ChildProbeOptions {
  /** Probe again instead of answering from this process's earlier probe. */
  fresh?: boolean;
}

const cache = new Map<ExecutionProvider, Promise<ProviderProbe>>();

/**
 * Creates a session for `provider` on a MatMul + Softmax graph and runs it, GPU providers in a
 * child process. Once per process: what a provider can do does not change while the app runs
 * (a WebGPU adapter, once picked, stays for the process's life). With `env` (another environment
 * than this process's) or `fresh`, probes again.
 */
export function probeProvider(provider: ExecutionProvider, options: ProbeOptions = {}): Promise<ProviderProbe> {
  if (options.env) return runProbe(provider, options);
  let p = cache.get(provider);
  if (!p || options.fresh) cache.set(provider, (p = runProbe(provider, options)));
  return p;
}

/** Every provider, in 'auto''s order (best first). */
export function probeProviders(options: ProbeOptions = {}): Promise<ProviderProbe[]> {
  return Promise.all(EXECUTION_PROVIDERS.map((p) => probeProvider(p, options)));
}

export interface AutoChoice {
  provider: ExecutionProvider;
  /** Why this one: the better providers that were passed over, and why. */
  detail: string;
}

/**
 * The best provider that works. WebGPU counts only on a hardware adapter: on a CPU driver
 * (SwiftShader, lavapipe) it emulates a GPU on the same cores the CPU provider uses directly, and
 * is slower; on an adapter this cannot identify (Windows) it is passed over too, since there DirectML
 * comes first anyway.
 */
export function pickAuto(probes: readonly ProviderProbe[]): AutoChoice {
  const skipped: string[] = [];
  for (const provider of EXECUTION_PROVIDERS) {
    const probe = probes.find((p) => p.provider === provider);
    if (!probe || probe.status !== 'works') continue;
    if (provider === 'webgpu' && probe.adapter?.kind !== 'hardware') {
      skipped.push(`webgpu (${probe.adapter?.kind ?? 'unknown'} adapter: ${probe.adapter?.detail ?? 'not identified'})`);
      continue;
    }
    return { provider, detail: skipped.length ? `${provider}; passed over ${skipped.join(', ')}` : provider };
  }
  // The CPU provider failed too: say cpu, and let creating the session report why.
  return { provider: 'cpu', detail: 'cpu (no provider passed its probe)' };
}
