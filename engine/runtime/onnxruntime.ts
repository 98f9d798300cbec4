import { createRequire } from 'node:module';

export interface ExecutionProviderInfo {
  name: string;
  /** Shipped in this build; CUDA on Linux needs the opt-in install (README, "GPU"). */
  bundled: boolean;
}

export interface OnnxRuntimeInfo {
  version: string;
  executionProviders: ExecutionProviderInfo[];
}

/** Loaded on demand: a broken native install then fails this call with its reason, not the whole app at start. */
export async function onnxRuntimeInfo(): Promise<OnnxRuntimeInfo> {
  const ort = await import('onnxruntime-node');
  return {
    version: ort.env.versions.node ?? ort.env.versions.common,
    executionProviders: ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled })),
  };
}

/** The entry file of onnxruntime-node, for a child process that must load the same build. */
export function onnxRuntimeEntry(): string {
  return createRequire(import.meta.url).resolve('onnxruntime-node');
}
