import type { DoctorReport, ExecutionProviderResult } from '../../../shared/api/schemas/system';
import { runDoctor } from '../../backend/system/doctor';
import { CliError } from '../errors';
import { printJson, type GlobalOptions } from '../globals';

type CheckKey = keyof DoctorReport & ('dataDir' | 'sqlite' | 'onnxRuntime' | 'providers' | 'webgpu' | 'anvil' | 'electron');

const LABELS: [CheckKey, string][] = [
  ['dataDir', 'Data folder'],
  ['sqlite', 'SQLite'],
  ['onnxRuntime', 'ONNX Runtime'],
  ['providers', 'Execution providers'],
  ['webgpu', 'WebGPU'],
  ['anvil', 'anvil'],
  ['electron', 'Electron'],
];

const MARK = { ok: '✓', missing: '–', error: '✗' } as const;
const PROVIDER_MARK = { works: '✓', unavailable: '–', failed: '✗' } as const;

/** One line per provider under the check's own line: status, then why or how fast, then what to do. */
function providerLines(results: readonly ExecutionProviderResult[], indent: string): string[] {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines: string[] = [];
  for (const r of results) {
    const what =
      r.status === 'works'
        ? `works (${r.elapsedMs} ms)${r.adapter ? `, ${r.adapter.kind} adapter: ${r.adapter.detail}` : ''}`
        : `${r.status}: ${r.reason ?? ''}`;
    lines.push(`${indent}${PROVIDER_MARK[r.status]} ${r.name.padEnd(width)}  ${what}`);
    if (r.status !== 'works' && r.remedy) lines.push(`${indent}  ${' '.repeat(width)}  → ${r.remedy}`);
  }
  return lines;
}

export function formatDoctor(report: DoctorReport): string {
  const width = Math.max(...LABELS.map(([, l]) => l.length));
  const lines = [`Datanet Studio ${report.appVersion} · Node ${report.node} · ${report.platform} ${report.arch}`, ''];
  for (const [key, label] of LABELS) {
    const check = report[key];
    lines.push(`${MARK[check.status]} ${label.padEnd(width)}  ${check.detail}`);
    if (check.hint) lines.push(`  ${' '.repeat(width)}  → ${check.hint}`);
    if (key === 'providers') lines.push(...providerLines(report.providers.results, `  ${' '.repeat(width)}  `));
  }
  lines.push('', report.ok ? 'Ready.' : 'Not ready: fix the ✗ lines above.');
  return lines.join('\n');
}

export async function doctorCommand(globals: GlobalOptions): Promise<void> {
  const report = await runDoctor(globals.dataDir);
  if (globals.json) printJson(report);
  else process.stdout.write(formatDoctor(report) + '\n');
  if (!report.ok) {
    const failed = LABELS.filter(([k]) => report[k].status === 'error').map(([, l]) => l);
    throw new CliError(`doctor: ${failed.join(' and ')} not working (see the report above)`);
  }
}
