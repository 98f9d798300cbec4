/**
 * Which kind of WebGPU adapter a process got. onnxruntime-node says nothing about the adapter it
 * picked (no adapter info in its API or its verbose log), so this reads what the driver left in
 * the process instead: on Linux every hardware Vulkan driver (Mesa's radv/anv/nvk, NVIDIA's, WSL's
 * dxg) holds its GPU's device file open, while a CPU driver (SwiftShader, lavapipe) opens none.
 */

/** Collected in the probe's child process after its session ran (Linux only). */
export interface GpuEvidence {
  /** GPU device files the process holds open: /dev/dri/renderD128, /dev/nvidia0, /dev/dxg. */
  devices: string[];
  /** Vulkan driver libraries mapped into the process (the loader maps every installed one). */
  libraries: string[];
}

export type AdapterKind = 'hardware' | 'software' | 'unknown';

export interface AdapterInfo {
  kind: AdapterKind;
  /** One line a person reads: which adapter and how that is known. */
  detail: string;
}

/** Source of the function the child runs; plain JavaScript, kept here beside the rules that read its result. */
export const COLLECT_GPU_EVIDENCE = `
function collectGpuEvidence(fs) {
  if (process.platform !== 'linux') return null;
  const devices = new Set();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync('/proc/self/fd/' + fd);
      if (/^\\/dev\\/(dri\\/|nvidia|dxg$)/.test(target)) devices.add(target);
    } catch {}
  }
  const libraries = new Set();
  for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\\n')) {
    const file = line.split(/\\s+/)[5];
    if (file && /(vulkan|vk_swiftshader|VkICD|nvidia|dxcore)[^/]*$/i.test(file)) libraries.add(file);
  }
  return { devices: [...devices].sort(), libraries: [...libraries].sort() };
}
`;

const SOFTWARE_DRIVERS: [RegExp, string][] = [
  [/vk_swiftshader/i, 'SwiftShader'],
  [/vulkan_lvp/i, 'lavapipe'],
];

/**
 * Dawn (WebGPU inside onnxruntime-node) sorts adapters by the requested power preference, GPUs
 * before fallback (CPU) ones (google/dawn docs/dawn/features/adapter_options.md; ORT asks for
 * high-performance), so with a working hardware driver the adapter is hardware; a process with no GPU device open ran on a CPU driver. The one
 * case this misreads: a GPU whose driver Dawn rejects beside an installed SwiftShader or lavapipe
 * (the device file is open, the adapter is the CPU one). On Windows, D3D12 has a software adapter
 * (WARP) that this cannot see, so it says 'unknown'; macOS has only hardware Metal adapters.
 */
export function classifyAdapter(platform: NodeJS.Platform, evidence: GpuEvidence | null): AdapterInfo {
  if (platform === 'darwin') return { kind: 'hardware', detail: 'Metal (macOS has no software Metal adapter)' };
  if (platform !== 'linux' || !evidence) return { kind: 'unknown', detail: `a GPU cannot be told from a software adapter on ${platform}` };
  if (evidence.devices.length > 0) return { kind: 'hardware', detail: `a GPU (${evidence.devices.join(', ')} open)` };
  const software = SOFTWARE_DRIVERS.find(([re]) => evidence.libraries.some((l) => re.test(l)))?.[1];
  return { kind: 'software', detail: `${software ?? 'a CPU Vulkan driver'}: no GPU device is open` };
}
