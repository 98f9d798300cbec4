import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeWebGpu } from '../../engine/runtime/webgpu-probe';
import { tempDir } from '../fixtures/temp-dir';

// Debian's chromium ships SwiftShader, a Vulkan driver on the CPU: the GPU path without a GPU.
// .ci/run installs chromium and libvulkan1.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('WebGPU probe (onnxruntime-node webgpu provider)', () => {
  it('finds an adapter and computes on it when a Vulkan driver is there', async () => {
    expect(fs.existsSync(SWIFTSHADER), `${SWIFTSHADER} is missing: apt-get install -y chromium libvulkan1`).toBe(true);
    const probe = await probeWebGpu({ env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER, XDG_RUNTIME_DIR: tempDir() } });
    expect(probe).toMatchObject({ found: true });
    // No GPU device file is open in the child: a CPU driver, told apart so that 'auto' skips it.
    if (probe.found) expect(probe.adapter).toEqual({ kind: 'software', detail: 'SwiftShader: no GPU device is open' });
  });

  it('says why when there is none, without crashing the caller', async () => {
    const probe = await probeWebGpu({ env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', XDG_RUNTIME_DIR: tempDir() } });
    expect(probe.found).toBe(false);
    if (!probe.found) expect(probe.reason).toMatch(/no WebGPU adapter/);
  });

  it('gives up on a probe that hangs', async () => {
    const probe = await probeWebGpu({ timeoutMs: 1 });
    expect(probe).toMatchObject({ found: false });
    if (!probe.found) expect(probe.reason).toMatch(/timed out after 1 ms/);
  });
});
