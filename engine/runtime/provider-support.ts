import fs from 'node:fs';
import path from 'node:path';
import { onnxRuntimeEntry } from './onnxruntime';
import type { ExecutionProvider } from './provider-names';

/** Whether this build of onnxruntime-node on this OS has a provider at all (before trying a device). */
export type ProviderSupport = { available: true } | { available: false; reason: string; remedy: string | null };

const GPU_README = 'see README, "GPU"';

/** The folder with onnxruntime-node's native files for this platform, where the CUDA opt-in puts its libraries. */
export function onnxRuntimeNativeDir(): string {
  return path.join(path.dirname(onnxRuntimeEntry()), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

const ONLY_ON: Partial<Record<ExecutionProvider, { platform: NodeJS.Platform; system: string }>> = {
  dml: { platform: 'win32', system: 'Windows' },
  coreml: { platform: 'darwin', system: 'macOS' },
};

/**
 * Static facts only: the OS, onnxruntime-node's list of backends, and the CUDA opt-in's files.
 * Whether a device is there is the probe's question (provider-probe.ts).
 */
export async function providerSupport(provider: ExecutionProvider): Promise<ProviderSupport> {
  if (provider === 'cpu') return { available: true };
  const only = ONLY_ON[provider];
  if (only && process.platform !== only.platform) {
    // Nothing to fix: the way out is another provider, which the caller's error names.
    return { available: false, reason: `${provider} runs only on ${only.system} (this is ${process.platform})`, remedy: null };
  }
  const ort = await import('onnxruntime-node');
  const listed = ort.listSupportedBackends().find((b) => b.name === provider);
  if (!listed) {
    return {
      available: false,
      reason: `onnxruntime-node ${ort.env.versions.common} has no ${provider} provider for ${process.platform}-${process.arch}`,
      remedy: `Use another provider; ${GPU_README}.`,
    };
  }
  if (provider === 'cuda' && !fs.existsSync(path.join(onnxRuntimeNativeDir(), 'libonnxruntime_providers_cuda.so'))) {
    return {
      available: false,
      reason: "onnxruntime-node was installed without its CUDA libraries (this project's .npmrc sets onnxruntime-node-install=skip)",
      remedy: `With an NVIDIA GPU and CUDA 12: set onnxruntime-node-install=cuda12 in .npmrc and run \`npm rebuild onnxruntime-node\` (needs internet); ${GPU_README}.`,
    };
  }
  return { available: true };
}
