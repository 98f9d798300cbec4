/**
 * The one place the engine creates ONNX Runtime sessions: which execution provider, with which
 * options, and a clear error when a provider is not there. See README.md beside this file for what
 * works where.
 */
import fs from 'node:fs';
import type { InferenceSession } from 'onnxruntime-node';
import { tidyReason } from './child-probe';
import { pickAuto, probeProvider, probeProviders, type AutoChoice } from './provider-probe';
import type { ExecutionProvider, ProviderChoice } from './provider-names';
import { providerSupport } from './provider-support';
import { sessionOptions, type SessionTuning } from './session-options';

export { EXECUTION_PROVIDERS, isExecutionProvider, parseProviderChoice, type ExecutionProvider, type ProviderChoice } from './provider-names';
export { pickAuto, probeProvider, probeProviders, type AutoChoice, type ProbeOptions, type ProviderProbe, type ProviderStatus } from './provider-probe';
export type { AdapterInfo, AdapterKind } from './gpu-evidence';
export type { GraphOptimization, OrtLogLevel, SessionTuning } from './session-options';

/** A provider that cannot run here, or failed: says which, why, and what to do. */
export class ExecutionProviderError extends Error {
  constructor(
    readonly provider: ExecutionProvider,
    readonly reason: string,
    readonly remedy: string | null,
    options?: { cause?: unknown },
  ) {
    super(`execution provider ${provider}: ${reason}. ${remedy ?? "Use provider 'auto' or 'cpu' instead."}`, options);
    this.name = 'ExecutionProviderError';
  }
}

export interface CreateSessionOptions extends SessionTuning {
  /** Default 'cpu'. 'auto': the best provider that works here (resolveProvider). */
  provider?: ProviderChoice;
}

/** A concrete provider for a choice; 'auto' probes every provider once per process (pickAuto says how it picks). */
export async function resolveProvider(choice: ProviderChoice): Promise<AutoChoice> {
  if (choice !== 'auto') return { provider: choice, detail: choice };
  return pickAuto(await probeProviders());
}

/**
 * Before the first session on a GPU provider, its probe runs in a child process (once per
 * process): a driver that crashes or hangs does it there, and this throws its reason instead.
 */
async function ensureWorks(provider: ExecutionProvider): Promise<void> {
  if (provider === 'cpu') return;
  const support = await providerSupport(provider);
  if (!support.available) throw new ExecutionProviderError(provider, support.reason, support.remedy);
  const probe = await probeProvider(provider);
  if (probe.status !== 'works') throw new ExecutionProviderError(provider, probe.reason ?? probe.status, probe.remedy);
}

function checkModel(model: Uint8Array | string): void {
  if (typeof model === 'string') {
    if (!fs.existsSync(model)) throw new Error(`createSession: model file ${model} does not exist`);
  } else if (!(model instanceof Uint8Array) || model.byteLength === 0) {
    throw new Error('createSession: model is empty (expected ModelProto bytes or a path to a .onnx file)');
  }
}

/**
 * An InferenceSession for ModelProto bytes or a .onnx path (a path lets ORT find external data
 * beside it). Defaults: the CPU provider, every optimization, sequential execution, one intra-op
 * thread per physical core. ONNX Runtime places nodes a GPU provider has no kernel for on the CPU.
 */
export async function createSession(model: Uint8Array | string, options: CreateSessionOptions = {}): Promise<InferenceSession> {
  checkModel(model);
  const { provider } = await resolveProvider(options.provider ?? 'cpu');
  const ortOptions = sessionOptions(provider, options);
  await ensureWorks(provider);
  const ort = await import('onnxruntime-node');
  try {
    return typeof model === 'string' ? await ort.InferenceSession.create(model, ortOptions) : await ort.InferenceSession.create(model, ortOptions);
  } catch (e) {
    const reason = `could not create a session: ${tidyReason(e instanceof Error ? e.message : String(e))}`;
    if (provider === 'cpu') throw new Error(`createSession (cpu): ${reason}`, { cause: e });
    throw new ExecutionProviderError(provider, reason, 'Try provider cpu: if that works too, the model needs an operator this provider lacks.', { cause: e });
  }
}
