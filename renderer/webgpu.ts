import type { CheckStatus } from '../shared/api';

// The DOM lib in TypeScript has no WebGPU types yet; this is the sliver we touch.
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
}
interface GpuLike {
  requestAdapter(): Promise<{ info?: GpuAdapterInfoLike } | null>;
}

export interface WindowWebGpu {
  status: CheckStatus;
  detail: string;
}

const TIMEOUT_MS = 5000;

/** Whether this window (not the backend) can get a WebGPU adapter, in one readable line. */
export async function probeWindowWebGpu(): Promise<WindowWebGpu> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { status: 'missing', detail: 'This window has no WebGPU (navigator.gpu is absent).' };
  try {
    // Some drivers never answer; a check that hangs would be worse than one that says so.
    const adapter = await Promise.race([
      gpu.requestAdapter(),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS)),
    ]);
    if (adapter === 'timeout') return { status: 'error', detail: `No answer from requestAdapter() within ${TIMEOUT_MS / 1000} s.` };
    if (!adapter) return { status: 'missing', detail: 'WebGPU is present, but no adapter is available (GPU blocked or absent).' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter((s) => s && s.trim()).join(' · ');
    return { status: 'ok', detail: name ? `Adapter found: ${name}` : 'Adapter found.' };
  } catch (err) {
    return { status: 'error', detail: `requestAdapter() failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
