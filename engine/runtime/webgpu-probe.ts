import { probeInChild, type ChildProbeOptions } from './child-probe';
import { classifyAdapter, type AdapterInfo } from './gpu-evidence';
import { probeMismatch } from './probe-graph';

export type WebGpuProbe =
  | { found: true; elapsedMs: number; adapter: AdapterInfo }
  | { found: false; reason: string };

/**
 * Asks onnxruntime-node's WebGPU provider for an adapter and runs a MatMul + Softmax on it, in a
 * child process: a GPU driver that hangs or aborts must not take the app down with it. Also says
 * whether the adapter is a GPU or a CPU driver such as SwiftShader (gpu-evidence.ts).
 */
export async function probeWebGpu(options: ChildProbeOptions = {}): Promise<WebGpuProbe> {
  const result = await probeInChild('webgpu', options);
  if (!result.ok) return { found: false, reason: result.reason };
  const wrong = probeMismatch(result.output);
  if (wrong) return { found: false, reason: `the WebGPU provider ${wrong}` };
  return { found: true, elapsedMs: result.elapsedMs, adapter: classifyAdapter(process.platform, result.evidence) };
}
