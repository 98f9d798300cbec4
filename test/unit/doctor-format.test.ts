import { describe, expect, it } from 'vitest';
import { formatDoctor } from '../../electron/cli/commands/doctor';
import { DoctorReport, type ExecutionProviderResult } from '../../shared/api/schemas/system';

const result = (name: ExecutionProviderResult['name'], fields: Partial<ExecutionProviderResult>): ExecutionProviderResult => ({
  name,
  status: 'works',
  reason: null,
  remedy: null,
  elapsedMs: null,
  adapter: null,
  ...fields,
});

const ok = { status: 'ok', hint: null } as const;

function report(results: ExecutionProviderResult[]): DoctorReport {
  return DoctorReport.parse({
    ok: true,
    appVersion: '0.1.0',
    node: '20.0.0',
    platform: 'linux',
    arch: 'x64',
    dataDir: { ...ok, detail: '/data is writable', path: '/data', writable: true },
    sqlite: { ...ok, detail: 'SQLite 3', version: '3' },
    onnxRuntime: { ...ok, detail: 'ONNX Runtime 1.30.0', version: '1.30.0', executionProviders: [] },
    providers: { ...ok, detail: 'cpu works; auto picks cpu', results, auto: 'cpu' },
    webgpu: { status: 'error', detail: 'WebGPU: it crashed', hint: 'Update the driver.', adapterFound: false, adapter: null },
    anvil: { ...ok, detail: 'anvil 1', path: '/anvil', version: '1' },
    electron: { ...ok, detail: 'Electron 45', path: '/electron', version: '45' },
  });
}

describe('studio doctor as text', () => {
  it('lists each provider under its check: works with time and adapter, else the status, the reason and what to do', () => {
    const text = formatDoctor(
      report([
        result('cuda', { status: 'unavailable', reason: 'no CUDA libraries', remedy: 'Opt in to cuda12.' }),
        result('dml', { status: 'unavailable', reason: 'dml runs only on Windows (this is linux)' }),
        result('webgpu', { status: 'failed', reason: 'the probe exited with SIGSEGV', remedy: 'Update the driver.' }),
        result('cpu', { elapsedMs: 12 }),
      ]),
    );
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('✓ Execution providers  cpu works; auto picks cpu'));
    expect(at).toBeGreaterThan(0);
    const pad = ' '.repeat('  Execution providers  '.length);
    expect(lines.slice(at + 1, at + 7)).toEqual([
      `${pad}– cuda    unavailable: no CUDA libraries`,
      `${pad}          → Opt in to cuda12.`,
      `${pad}– dml     unavailable: dml runs only on Windows (this is linux)`,
      `${pad}✗ webgpu  failed: the probe exited with SIGSEGV`,
      `${pad}          → Update the driver.`,
      `${pad}✓ cpu     works (12 ms)`,
    ]);
    expect(lines[at + 7]).toMatch(/^✗ WebGPU/);
  });

  it('a working WebGPU provider shows its adapter', () => {
    const text = formatDoctor(report([result('webgpu', { elapsedMs: 40, adapter: { kind: 'software', detail: 'SwiftShader: no GPU device is open' } }), result('cpu', { elapsedMs: 3 })]));
    expect(text).toContain('✓ webgpu  works (40 ms), software adapter: SwiftShader: no GPU device is open');
  });
});
