import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { COLLECT_GPU_EVIDENCE, type GpuEvidence } from './gpu-evidence';
import { onnxRuntimeEntry } from './onnxruntime';
import { probeGraph } from './probe-graph';
import type { ExecutionProvider } from './provider-names';
import { sessionOptions } from './session-options';

export type ChildProbeResult =
  | { ok: true; elapsedMs: number; output: number[]; evidence: GpuEvidence | null }
  | { ok: false; reason: string };

export interface ChildProbeOptions {
  /** Default 30 s: SwiftShader compiles its first shaders in a few seconds on a loaded machine. */
  timeoutMs?: number;
  /** The child's environment (VK_ICD_FILENAMES picks the Vulkan driver); default this process's. */
  env?: NodeJS.ProcessEnv;
}

// Native code may print to stdout too (Dawn's warnings, ORT's log): the result is the line after this.
const MARK = '@@provider-probe@@';

const childScript = (ortUrl: string, optionsJson: string, modelBase64: string, input: { name: string; data: number[]; dims: number[] }, output: string) => `
import fs from 'node:fs';
${COLLECT_GPU_EVIDENCE}
const say = (r) => process.stdout.write('\\n${MARK}' + JSON.stringify(r) + '\\n');
try {
  const ort = await import(${JSON.stringify(ortUrl)});
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(Buffer.from(${JSON.stringify(modelBase64)}, 'base64'), ${optionsJson});
  const out = await session.run({ ${JSON.stringify(input.name)}: new ort.Tensor('float32', Float32Array.from(${JSON.stringify(input.data)}), ${JSON.stringify(input.dims)}) });
  const elapsedMs = Math.round(performance.now() - t0);
  say({ ok: true, elapsedMs, output: Array.from(out[${JSON.stringify(output)}].data), evidence: collectGpuEvidence(fs) });
} catch (e) {
  say({ ok: false, reason: String((e && e.message) || e) });
}
// A GPU driver's threads can keep a process alive after its work is done.
process.exit(0);
`;

/** ORT's message without the source location that opens it, on one line. */
export function tidyReason(reason: string): string {
  const adapter = /Failed to get a WebGPU adapter:?\s*(.*)$/s.exec(reason);
  const text = adapter ? `no WebGPU adapter (${adapter[1]!.trim() || 'none reported'})` : reason.replace(/^\/onnxruntime_src\/\S+ /, '');
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * Creates a session for `provider` on the probe graph and runs it, in a child process: a GPU
 * driver that aborts or hangs (both seen with WebGPU on broken Vulkan installs) takes the child
 * down, not the caller. The output comes back unchecked; the caller compares it (probe-graph.ts).
 */
export function probeInChild(provider: ExecutionProvider, options: ChildProbeOptions = {}): Promise<ChildProbeResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const graph = probeGraph();
  const script = childScript(
    pathToFileURL(onnxRuntimeEntry()).href,
    // The options real sessions get (one thread is plenty for this graph), so the probe tries what they will.
    JSON.stringify(sessionOptions(provider, { threads: 1 })),
    Buffer.from(graph.model).toString('base64'),
    { name: graph.input.name, data: Array.from(graph.input.data), dims: graph.input.dims },
    graph.output,
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      // Under Electron, process.execPath is Electron itself; this makes it behave as Node.
      env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `could not start the probe: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      if (line) {
        const result = JSON.parse(line.slice(MARK.length)) as ChildProbeResult;
        resolve(result.ok ? result : { ok: false, reason: tidyReason(result.reason) });
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${signal ?? code}`;
      const last = stderr.trim().split('\n').at(-1) ?? '';
      resolve({ ok: false, reason: `the probe ${why}${last ? `: ${tidyReason(last)}` : ''}` });
    });
  });
}
