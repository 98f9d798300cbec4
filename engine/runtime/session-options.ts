import type { InferenceSession } from 'onnxruntime-node';
import { physicalCores } from './physical-cores';
import type { ExecutionProvider } from './provider-names';

export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';
export type OrtLogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

export interface SessionTuning {
  /** Intra-op threads for CPU kernels (also the CPU fallback of a GPU provider). Default: physical cores. */
  threads?: number;
  /** Default 'all': our graphs are built once and run many times, so the longer optimization pays. */
  graphOptimization?: GraphOptimization;
  /**
   * Default 'error'. ORT warns on every GPU session that some nodes run on the CPU (int64 shape
   * arithmetic always does), which says nothing a person can act on.
   */
  logLevel?: OrtLogLevel;
  /**
   * Write ONNX Runtime's profile (every node's run with the provider that ran it) to
   * `<prefix>_<date>.json`; session.endProfiling() finishes the file.
   */
  profilePrefix?: string;
  /** Files an in-memory model's external initializers live in (onnx/external-data.ts). */
  externalData?: InferenceSession.SessionOptions['externalData'];
  /**
   * ONNX Runtime's memory pattern (default true): one block planned per input shape, kept for the
   * next run. A training graph holds ~200 MB less without it (the benchmark model), at the same speed.
   */
  memoryPattern?: boolean;
  /**
   * Let the intra-op threads spin between kernels (ONNX Runtime's default, true): faster on idle
   * cores, slower when other processes share them (a spinning worker that loses its core stalls
   * every parallel kernel; engine/generate/decode-session.ts has the numbers).
   */
  spinWait?: boolean;
}

const SEVERITY: Record<OrtLogLevel, 0 | 1 | 2 | 3 | 4> = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 };

/** ONNX Runtime's session options for one provider, with the engine's defaults. */
export function sessionOptions(provider: ExecutionProvider, tuning: SessionTuning = {}): InferenceSession.SessionOptions {
  const threads = tuning.threads ?? physicalCores();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a whole number of at least 1, got ${threads}`);
  return {
    executionProviders: [provider],
    graphOptimizationLevel: tuning.graphOptimization ?? 'all',
    // One node at a time, each using every thread: a model graph is a chain, and two parallel
    // branches would only split the same cores between them.
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: SEVERITY[tuning.logLevel ?? 'error'],
    ...(tuning.profilePrefix ? { enableProfiling: true, profileFilePrefix: tuning.profilePrefix } : {}),
    ...(tuning.externalData ? { externalData: tuning.externalData } : {}),
    ...(tuning.memoryPattern === false ? { enableMemPattern: false } : {}),
    ...(tuning.spinWait === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
  };
}
