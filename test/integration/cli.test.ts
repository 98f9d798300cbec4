import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DoctorReport } from '../../shared/api/schemas/system';
import { appVersion } from '../../electron/paths';
import { exitOf, runStudio, startStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';

describe('studio CLI', () => {
  it('prints its version', async () => {
    const run = await runStudio(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${appVersion()}\n` });
    const json = await runStudio(['--version', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ version: appVersion() });
  });

  it('with no command, says so and exits 2', async () => {
    const run = await runStudio([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('studio: no command given (run studio --help for usage)\n');
  });

  it('doctor --json prints one JSON report that matches the contract', async () => {
    const dir = tempDir();
    const run = await runStudio(['--data-dir', dir, 'doctor', '--json']);
    expect(run.code).toBe(0);
    const report = DoctorReport.parse(JSON.parse(run.stdout));
    expect(report.ok).toBe(true);
    expect(report.dataDir).toMatchObject({ status: 'ok', path: dir, writable: true });
    expect(report.sqlite.version).toMatch(/^3\.\d+\.\d+$/);
    expect(report.onnxRuntime.executionProviders.map((p) => p.name)).toContain('cpu');
    expect(report.anvil).toMatchObject({ status: 'ok' });
    expect(report.anvil.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(['ok', 'missing']).toContain(report.webgpu.status);
    expect(report.providers.status).toBe('ok');
    expect(report.providers.results.map((p) => p.name)).toEqual(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
    expect(report.providers.results.at(-1)).toMatchObject({ name: 'cpu', status: 'works', reason: null });
    for (const p of report.providers.results) if (p.status !== 'works') expect(p.reason, p.name).toBeTruthy();
    // The WebGPU line and the webgpu provider come from the same probe.
    expect(report.webgpu.adapterFound).toBe(report.providers.results.find((p) => p.name === 'webgpu')!.status === 'works');
    expect(['ok', 'missing']).toContain(report.electron.status);
    expect(report.electron.version).toBe('45.5.0');
  });

  it('doctor as text lists every check', async () => {
    const run = await runStudio(['--data-dir', tempDir(), 'doctor']);
    expect(run.code).toBe(0);
    for (const label of ['Data folder', 'SQLite', 'ONNX Runtime', 'Execution providers', 'WebGPU', 'anvil', 'Electron']) expect(run.stdout).toContain(label);
    // A line per provider under "Execution providers", each with its status.
    for (const name of ['cuda', 'dml', 'coreml', 'webgpu', 'cpu']) expect(run.stdout).toMatch(new RegExp(`^ +[✓–✗] ${name} +(works|unavailable|failed)`, 'm'));
    expect(run.stdout).toMatch(/Execution providers +.*auto picks \w+/);
  });

  it('doctor fails with exit 1 and one line when the data folder cannot be written', async () => {
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const run = await runStudio(['--data-dir', path.join(blocker, 'sub'), 'doctor', '--json']);
    expect(run.code).toBe(1);
    expect(DoctorReport.parse(JSON.parse(run.stdout)).dataDir.status).toBe('error');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^studio: doctor: Data folder not working/);
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['serve', '--port', 'http'], /--port http: must be a whole number/],
    [['serve', '--port', '70000'], /--port 70000/],
    [['doctor', '--frobnicate'], /unknown option '--frobnicate'/],
    [['serve', '--host', '0.0.0.0'], /--allow-remote/],
  ])('usage error %j exits 2 with one line on stderr', async (args, message) => {
    const run = await runStudio(['--data-dir', tempDir(), ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('serve prints the URL with its token, serves, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const serve = await startStudio(['--data-dir', dir, 'serve', '--port', '0', '--json'], /\}\s*$/);
    const printed = JSON.parse(serve.stdout()) as { openUrl: string; url: string; token: string; port: number };
    expect(printed.openUrl).toBe(`http://127.0.0.1:${printed.port}/?token=${printed.token}`);
    expect((await fetch(printed.url)).status).toBe(401);
    expect((await fetch(printed.url, { headers: { authorization: `Bearer ${printed.token}` } })).status).toBe(200);
    expect(fs.existsSync(path.join(dir, 'studio.lock'))).toBe(true);
    serve.child.kill('SIGTERM');
    expect(await exitOf(serve.child)).toBe(0);
    expect(fs.existsSync(path.join(dir, 'studio.lock'))).toBe(false);
  });

  it('a second serve on the same data folder fails with exit 1 and says why', async () => {
    const dir = tempDir();
    const first = await startStudio(['--data-dir', dir, 'serve', '--port', '0'], /Press Ctrl\+C/);
    try {
      const second = await runStudio(['--data-dir', dir, 'serve', '--port', '0']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/is in use by another Datanet Studio \(process \d+\)/);
    } finally {
      first.child.kill('SIGINT');
      await exitOf(first.child);
    }
  });

  it('serve --allow-remote warns on stderr', async () => {
    const serve = await startStudio(['--data-dir', tempDir(), 'serve', '--host', '0.0.0.0', '--allow-remote', '--port', '0'], /Press Ctrl\+C/);
    await new Promise((r) => setTimeout(r, 50));
    expect(serve.stderr()).toMatch(/^warning: listening on 0\.0\.0\.0/);
    serve.child.kill('SIGTERM');
    expect(await exitOf(serve.child)).toBe(0);
  });
});
