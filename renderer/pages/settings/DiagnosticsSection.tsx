import { useState } from 'react';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { StatusBadge } from '../../components/StatusBadge';
import { probeWindowWebGpu, type WindowWebGpu } from '../../webgpu';
import { DoctorReportView } from './DoctorReportView';

export function DiagnosticsSection() {
  const doctor = useAction('app.doctor');
  const [windowGpu, setWindowGpu] = useState<WindowWebGpu | null>(null);
  const [probing, setProbing] = useState(false);
  const busy = doctor.pending || probing;

  async function onRun(): Promise<void> {
    setProbing(true);
    setWindowGpu(null);
    // Both at once: the backend's checks take a few seconds, the window's own probe is separate.
    const [, gpu] = await Promise.all([doctor.run({}), probeWindowWebGpu()]);
    setWindowGpu(gpu);
    setProbing(false);
  }

  return (
    <Section title="Diagnostics" description="The same environment checks as studio doctor: what this computer can run, and what to do about what it can't.">
      <div className="form-actions">
        <button type="button" className="button" data-testid="doctor-button" disabled={busy} onClick={() => void onRun()}>
          Run checks
        </button>
        {busy && <Spinner label="Running checks… this takes a few seconds." />}
      </div>
      {doctor.error && !busy && <ErrorMessage error={doctor.error} context="Could not run the checks." />}
      {doctor.data && !busy && <DoctorReportView report={doctor.data} />}
      {windowGpu && !busy && (
        <div className="check" data-testid="doctor-window-webgpu">
          <div className="check-head">
            <span className="check-name">WebGPU in this window</span>
            <StatusBadge status={windowGpu.status} />
          </div>
          <p className="check-detail">{windowGpu.detail}</p>
        </div>
      )}
    </Section>
  );
}
