import type { DoctorCheckName, DoctorReport } from '../../../shared/api';
import { StatusBadge } from '../../components/StatusBadge';

const LABELS: Record<DoctorCheckName, string> = {
  dataDir: 'Data folder',
  sqlite: 'SQLite',
  onnxRuntime: 'ONNX Runtime',
  providers: 'Execution providers',
  webgpu: 'WebGPU (backend)',
  anvil: 'anvil (local devnet)',
  electron: 'Electron',
};

/** The facts each check carries besides status, detail and hint, as label/value pairs. */
function factsOf(name: DoctorCheckName, r: DoctorReport): [string, string][] {
  switch (name) {
    case 'dataDir':
      return [['Path', r.dataDir.path], ['Writable', r.dataDir.writable ? 'yes' : 'no']];
    case 'sqlite':
      return r.sqlite.version ? [['Version', r.sqlite.version]] : [];
    case 'onnxRuntime': {
      const eps = r.onnxRuntime.executionProviders.map((ep) => (ep.bundled ? ep.name : `${ep.name} (opt-in)`));
      return [
        ...(r.onnxRuntime.version ? ([['Version', r.onnxRuntime.version]] as [string, string][]) : []),
        ...(eps.length ? ([['Execution providers', eps.join(', ')]] as [string, string][]) : []),
      ];
    }
    case 'providers':
      return [
        ...r.providers.results.map((p): [string, string] => [
          p.name,
          p.status === 'works' ? `works (${p.elapsedMs} ms)${p.adapter ? `, ${p.adapter.kind} adapter` : ''}` : `${p.status}: ${p.reason ?? ''}`,
        ]),
        ['Auto picks', r.providers.auto],
      ];
    case 'webgpu':
      return [
        ['Adapter found', r.webgpu.adapterFound ? 'yes' : 'no'],
        ...(r.webgpu.adapter ? ([['Adapter', `${r.webgpu.adapter.kind}: ${r.webgpu.adapter.detail}`]] as [string, string][]) : []),
      ];
    case 'anvil':
    case 'electron': {
      const c = r[name];
      return [
        ...(c.version ? ([['Version', c.version]] as [string, string][]) : []),
        ...(c.path ? ([['Path', c.path]] as [string, string][]) : []),
      ];
    }
  }
}

const ORDER: DoctorCheckName[] = ['dataDir', 'sqlite', 'onnxRuntime', 'providers', 'webgpu', 'anvil', 'electron'];

export function DoctorReportView({ report }: { report: DoctorReport }) {
  return (
    <div className="doctor-report" data-testid="doctor-report" data-ok={report.ok}>
      <p className="doctor-summary">
        <StatusBadge status={report.ok ? 'ok' : 'error'} />
        <span>
          {report.ok ? 'Everything the app needs works.' : 'A check the app cannot run without failed.'}{' '}
          <span className="muted">
            Datanet Studio {report.appVersion} · Node.js {report.node} · {report.platform} {report.arch}
          </span>
        </span>
      </p>
      <ul className="checks boxed-list">
        {ORDER.map((name) => {
          const check = report[name];
          return (
            <li key={name} className="check" data-testid={`doctor-check-${name}`} data-status={check.status}>
              <div className="check-head">
                <span className="check-name">{LABELS[name]}</span>
                <StatusBadge status={check.status} />
              </div>
              <p className="check-detail">{check.detail}</p>
              {check.hint && <p className="check-hint">{check.hint}</p>}
              <dl className="check-facts">
                {factsOf(name, report).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd className="selectable">{v}</dd>
                  </div>
                ))}
              </dl>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
