import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { classifyAdapter } from '../../engine/runtime/gpu-evidence';
import { physicalCores } from '../../engine/runtime/physical-cores';
import { probeExpected, probeMismatch } from '../../engine/runtime/probe-graph';
import { pickAuto, type ProviderProbe } from '../../engine/runtime/provider-probe';
import { parseProviderChoice, type ExecutionProvider } from '../../engine/runtime/provider-names';
import { sessionOptions } from '../../engine/runtime/session-options';

const probe = (provider: ExecutionProvider, status: ProviderProbe['status'], adapter: ProviderProbe['adapter'] = null): ProviderProbe => ({
  provider,
  status,
  reason: status === 'works' ? null : 'because',
  remedy: null,
  elapsedMs: status === 'works' ? 1 : null,
  adapter,
});

const SWIFTSHADER_RUN = { devices: [], libraries: ['/usr/lib/chromium/libvk_swiftshader.so', '/usr/lib/x86_64-linux-gnu/libvulkan.so.1.3.239'] };

describe('which WebGPU adapter', () => {
  it('Linux with no GPU device open: a CPU driver, named when it is SwiftShader or lavapipe', () => {
    expect(classifyAdapter('linux', SWIFTSHADER_RUN)).toEqual({ kind: 'software', detail: 'SwiftShader: no GPU device is open' });
    expect(classifyAdapter('linux', { devices: [], libraries: ['/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so'] }).detail).toMatch(/^lavapipe/);
    expect(classifyAdapter('linux', { devices: [], libraries: [] })).toMatchObject({ kind: 'software' });
  });

  it('Linux with a GPU device open: hardware, whatever else the loader mapped', () => {
    const info = classifyAdapter('linux', { devices: ['/dev/dri/renderD128'], libraries: ['/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so', '/usr/lib/x86_64-linux-gnu/libvulkan_radeon.so'] });
    expect(info).toEqual({ kind: 'hardware', detail: 'a GPU (/dev/dri/renderD128 open)' });
    expect(classifyAdapter('linux', { devices: ['/dev/nvidia0', '/dev/nvidiactl'], libraries: [] }).kind).toBe('hardware');
  });

  it('macOS: Metal adapters are hardware; Windows: cannot tell', () => {
    expect(classifyAdapter('darwin', null).kind).toBe('hardware');
    expect(classifyAdapter('win32', null).kind).toBe('unknown');
  });
});

describe("'auto'", () => {
  const cpu = probe('cpu', 'works');

  it('takes the first provider that works in the order cuda, dml, coreml, webgpu, cpu', () => {
    expect(pickAuto([probe('cuda', 'works'), probe('webgpu', 'works', { kind: 'hardware', detail: 'GPU' }), cpu]).provider).toBe('cuda');
    expect(pickAuto([probe('cuda', 'failed'), probe('dml', 'works'), cpu]).provider).toBe('dml');
    expect(pickAuto([probe('cuda', 'unavailable'), probe('coreml', 'works'), probe('webgpu', 'works', { kind: 'hardware', detail: 'Metal' }), cpu]).provider).toBe('coreml');
    expect(pickAuto([probe('cuda', 'unavailable'), probe('webgpu', 'works', { kind: 'hardware', detail: 'GPU /dev/dri/renderD128' }), cpu])).toEqual({ provider: 'webgpu', detail: 'webgpu' });
  });

  it('passes over WebGPU on a software or unidentified adapter, and says so', () => {
    const choice = pickAuto([probe('webgpu', 'works', classifyAdapter('linux', SWIFTSHADER_RUN)), cpu]);
    expect(choice).toEqual({ provider: 'cpu', detail: 'cpu; passed over webgpu (software adapter: SwiftShader: no GPU device is open)' });
    expect(pickAuto([probe('webgpu', 'works', classifyAdapter('win32', null)), cpu]).provider).toBe('cpu');
  });

  it('says cpu when nothing passed its probe, so that creating the session reports why', () => {
    expect(pickAuto([probe('cpu', 'failed')])).toEqual({ provider: 'cpu', detail: 'cpu (no provider passed its probe)' });
  });
});

describe('provider names', () => {
  it('reads a provider or auto, whatever the case', () => {
    expect(parseProviderChoice('WebGPU')).toBe('webgpu');
    expect(parseProviderChoice(' auto ')).toBe('auto');
  });

  it('refuses anything else, naming the input and the choices', () => {
    expect(() => parseProviderChoice('tensorrt', '--provider')).toThrow('--provider "tensorrt": not an execution provider (auto, cuda, dml, coreml, webgpu, cpu)');
  });
});

describe('session options', () => {
  it('defaults: every optimization, sequential, one intra-op thread per physical core, errors only', () => {
    expect(sessionOptions('webgpu')).toEqual({
      executionProviders: ['webgpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: physicalCores(),
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
  });

  it('takes threads, optimization level, log level and a profile prefix', () => {
    expect(sessionOptions('cpu', { threads: 3, graphOptimization: 'basic', logLevel: 'verbose', profilePrefix: '/tmp/p' })).toMatchObject({
      intraOpNumThreads: 3,
      graphOptimizationLevel: 'basic',
      logSeverityLevel: 0,
      enableProfiling: true,
      profileFilePrefix: '/tmp/p',
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s threads', (threads) => {
    expect(() => sessionOptions('cpu', { threads })).toThrow(`threads must be a whole number of at least 1, got ${threads}`);
  });

  it('physical cores: at least one, at most what this process may use', () => {
    expect(physicalCores()).toBeGreaterThanOrEqual(1);
    expect(physicalCores()).toBeLessThanOrEqual(os.availableParallelism());
  });
});

describe('probe graph check', () => {
  it('accepts the float64 result rounded to float32, names the first wrong value otherwise', () => {
    const want = probeExpected();
    expect(want.length).toBe(8);
    // Each row is a softmax.
    expect(want[0]! + want[1]! + want[2]! + want[3]!).toBeCloseTo(1, 12);
    expect(probeMismatch(Float32Array.from(want))).toBeNull();
    const wrong = Float32Array.from(want);
    wrong[5] = wrong[5]! + 1e-3;
    expect(probeMismatch(wrong)).toMatch(/^computed a wrong result \(value 5: /);
    expect(probeMismatch(wrong.subarray(1))).toBe('returned 7 values instead of 8');
  });
});
