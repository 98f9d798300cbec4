import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { encodeModel } from '../onnx/model';
import { onnxRuntimeEntry } from './onnxruntime';

export type WebGpuProbe =
  | { found: true; elapsedMs: number }
  | { found: false; reason: string };

/** y = x + x over four floats: enough to make the WebGPU provider pick an adapter and run a kernel. */
function probeModel(): Uint8Array {
  return encodeModel({
    name: 'webgpu_probe',
    nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float', shape: [4] }],
    outputs: [{ name: 'y', type: 'float', shape: [4] }],
  });
}

const childScript = (ortUrl: string, modelBase64: string) => `
const ort = await import(${JSON.stringify(ortUrl)});
const t0 = performance.now();
try {
  const session = await ort.InferenceSession.create(Buffer.from(${JSON.stringify(modelBase64)}, 'base64'), { executionProviders: ['webgpu'] });
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]) });
  const y = Array.from(out.y.data);
  const ok = y.join() === '2,4,6,8';
  process.stdout.write(JSON.stringify(ok ? { found: true, elapsedMs: Math.round(performance.now() - t0) } : { found: false, reason: 'the WebGPU provider computed a wrong result: ' + y.join() }));
} catch (e) {
  process.stdout.write(JSON.stringify({ found: false, reason: String(e && e.message || e) }));
}
process.exit(0);
`;

/** The last line of an ORT error, without the source location that opens it. */
function tidy(reason: string): string {
  const m = /Failed to get a WebGPU adapter:?\s*(.*)$/s.exec(reason);
  const text = m ? `no WebGPU adapter (${m[1]!.trim() || 'none reported'})` : reason;
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * Asks onnxruntime-node's WebGPU provider for an adapter, in a child process: a GPU driver that
 * hangs or aborts must not take the app down with it.
 */
export function probeWebGpu(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<WebGpuProbe> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const script = childScript(pathToFileURL(onnxRuntimeEntry()).href, Buffer.from(probeModel()).toString('base64'));
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
      resolve({ found: false, reason: `could not start the probe: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        const result = JSON.parse(stdout) as WebGpuProbe;
        resolve(result.found ? result : { found: false, reason: tidy(result.reason) });
      } catch {
        const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${signal ?? code}`;
        resolve({ found: false, reason: `the probe ${why}: ${stderr.trim().split('\n').at(-1) ?? ''}`.trim() });
      }
    });
  });
}
