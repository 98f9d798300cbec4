import type { DoctorReport } from '../../../shared/api/schemas/system';
import { runDoctor } from '../../backend/system/doctor';
import { CliError } from '../errors';
import { printJson, type GlobalOptions } from '../globals';

const LABELS: [keyof DoctorReport & ('dataDir' | 'sqlite' | 'onnxRuntime' | 'webgpu' | 'anvil' | 'electron'), string][] = [
  ['dataDir', 'Data folder'],
  ['sqlite', 'SQLite'],
  ['onnxRuntime', 'ONNX Runtime'],
  ['webgpu', 'WebGPU'],
  ['anvil', 'anvil'],
  ['electron', 'Electron'],
];

const MARK = { ok: '✓', missing: '–', error: '✗' } as const;

export function formatDoctor(report: DoctorReport): string {
  const width = Math.max(...LABELS.map(([, l]) => l.length));
  const lines = [`Datanet Studio ${report.appVersion} · Node ${report.node} · ${report.platform} ${report.arch}`, ''];
  for (const [key, label] of LABELS) {
    const check = report[key];
    lines.push(`${MARK[check.status]} ${label.padEnd(width)}  ${check.detail}`);
    if (check.hint) lines.push(`  ${' '.repeat(width)}  → ${check.hint}`);
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
