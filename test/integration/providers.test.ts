/**
 * engine/runtime/providers.ts against the real onnxruntime-node: sessions on the CPU provider, the
 * probe of every provider, 'auto', and the errors for providers this machine does not have.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { probeGraph, probeMismatch } from '../../engine/runtime/probe-graph';
import { onnxRuntimeNativeDir } from '../../engine/runtime/provider-support';
import { createSession, EXECUTION_PROVIDERS, ExecutionProviderError, probeProvider, probeProviders, resolveProvider } from '../../engine/runtime/providers';
import { tempDir } from '../fixtures/temp-dir';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
// This file's process (vitest forks one per file) gets SwiftShader, so that 'auto' meets a
// software adapter it must pass over.
process.env.VK_ICD_FILENAMES = SWIFTSHADER;

const graph = probeGraph();
const feeds = () => ({ [graph.input.name]: new Tensor('float32', graph.input.data, graph.input.dims) });

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(e instanceof Error)) throw new Error('expected a rejection');
  return e;
}

describe('createSession', () => {
  it('runs a model from bytes on the CPU by default', async () => {
    const session = await createSession(graph.model);
    const out = await session.run(feeds());
    expect(probeMismatch(out[graph.output]!.data as Float32Array)).toBeNull();
  });

  it('runs a model from a .onnx path, with the options given', async () => {
    const file = path.join(tempDir(), 'probe.onnx');
    fs.writeFileSync(file, graph.model);
    const session = await createSession(file, { provider: 'cpu', threads: 1, graphOptimization: 'disabled' });
    expect(probeMismatch((await session.run(feeds()))[graph.output]!.data as Float32Array)).toBeNull();
  });

  it('says which input is wrong: a missing file, empty bytes, bytes that are no model', async () => {
    expect((await rejection(createSession('/nonexistent/model.onnx'))).message).toBe('createSession: model file /nonexistent/model.onnx does not exist');
    expect((await rejection(createSession(new Uint8Array(0)))).message).toMatch(/^createSession: model is empty/);
    expect((await rejection(createSession(Uint8Array.of(1, 2, 3)))).message).toMatch(/^createSession \(cpu\): could not create a session: .*protobuf parsing failed/);
    expect((await rejection(createSession(graph.model, { threads: 0 }))).message).toBe('threads must be a whole number of at least 1, got 0');
  });

  it.runIf(process.platform === 'linux')('names the provider, the cause and the way out when a provider is not on this system', async () => {
    const dml = await rejection(createSession(graph.model, { provider: 'dml' }));
    expect(dml).toBeInstanceOf(ExecutionProviderError);
    expect(dml.message).toBe("execution provider dml: dml runs only on Windows (this is linux). Use provider 'auto' or 'cpu' instead.");
    expect((await rejection(createSession(graph.model, { provider: 'coreml' }))).message).toMatch(/^execution provider coreml: coreml runs only on macOS/);
  });

  it.runIf(process.platform === 'linux' && !fs.existsSync(path.join(onnxRuntimeNativeDir(), 'libonnxruntime_providers_cuda.so')))(
    'CUDA without the opt-in install: points to onnxruntime-node-install=cuda12',
    async () => {
      const cuda = await rejection(createSession(graph.model, { provider: 'cuda' }));
      expect(cuda).toMatchObject({ provider: 'cuda' });
      expect(cuda.message).toMatch(/^execution provider cuda: onnxruntime-node was installed without its CUDA libraries .*onnxruntime-node-install=cuda12/);
    },
  );
});

describe('probeProviders', () => {
  it('reports every provider, best first; the CPU works', async () => {
    const probes = await probeProviders();
    expect(probes.map((p) => p.provider)).toEqual([...EXECUTION_PROVIDERS]);
    expect(probes.at(-1)).toMatchObject({ provider: 'cpu', status: 'works', reason: null });
    for (const p of probes) {
      if (p.status === 'works') expect(p.elapsedMs).toBeGreaterThanOrEqual(0);
      else expect(p.reason, `${p.provider} says why`).toBeTruthy();
    }
    if (process.platform === 'linux') {
      expect(probes.find((p) => p.provider === 'dml')).toMatchObject({ status: 'unavailable', reason: 'dml runs only on Windows (this is linux)', remedy: null });
      const webgpu = probes.find((p) => p.provider === 'webgpu')!;
      expect(webgpu.status === 'works' || webgpu.remedy, 'webgpu says what to do when it does not work').toBeTruthy();
    }
  });

  it('WebGPU on SwiftShader works on a software adapter, and auto passes it over for the CPU', async () => {
    expect(fs.existsSync(SWIFTSHADER), `${SWIFTSHADER} is missing: apt-get install -y chromium libvulkan1`).toBe(true);
    const webgpu = await probeProvider('webgpu');
    expect(webgpu).toMatchObject({ status: 'works', adapter: { kind: 'software', detail: 'SwiftShader: no GPU device is open' } });
    expect(await resolveProvider('auto')).toEqual({ provider: 'cpu', detail: 'cpu; passed over webgpu (software adapter: SwiftShader: no GPU device is open)' });
  });

  it('WebGPU without a Vulkan driver is unavailable, with the reason', async () => {
    const webgpu = await probeProvider('webgpu', { env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' } });
    expect(webgpu).toMatchObject({ status: 'unavailable', reason: 'no WebGPU adapter (No supported adapters)' });
    expect(webgpu.remedy).toMatch(/Vulkan driver/);
  });
});
