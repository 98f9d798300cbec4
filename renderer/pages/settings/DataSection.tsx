import type { AppInfo } from '../../../shared/api';
import { useAction, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { BackupStatus } from './BackupStatus';
import { useTrackedJob } from '../../hooks/useTrackedJob';

export function DataSection() {
  const info = useCall('app.info', {});
  return (
    <Section title="Data" description="Everything the app keeps lives in one folder on this computer.">
      {info.data ? (
        <AppFacts info={info.data} />
      ) : (
        <CallFallback call={info} what="the app's details" />
      )}
      <Backup />
    </Section>
  );
}

function AppFacts({ info }: { info: AppInfo }) {
  const rows: [string, string, string?][] = [
    ['Data folder', info.dataDir],
    ['Version', info.version, 'app-version'],
    ['Running as', info.runtime === 'electron' ? 'Desktop app (Electron)' : 'Server (studio serve)'],
    ['Platform', `${info.platform} ${info.arch}`],
    ['Node.js', info.versions.node],
    ...(info.versions.electron ? ([['Electron', info.versions.electron]] as [string, string][]) : []),
    ['SQLite', info.versions.sqlite],
  ];
  return (
    <dl className="facts">
      {rows.map(([term, value, testId]) => (
        <div className="facts-row" key={term}>
          <dt>{term}</dt>
          <dd className={term === 'Data folder' ? 'mono selectable' : undefined} data-testid={testId}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Backup() {
  const start = useAction('store.backup');
  const { job, track } = useTrackedJob();
  const running = start.pending || job?.state === 'running';

  async function onBackup(): Promise<void> {
    const started = await start.run({});
    if (started) track(started);
  }

  return (
    <div className="backup">
      <div className="form-actions">
        <button type="button" className="button" data-testid="backup-button" disabled={running} onClick={() => void onBackup()}>
          Back up database
        </button>
        <span className="field-hint">Copies studio.db, consistently, into the backups folder.</span>
      </div>
      {start.pending && <Spinner label="Starting the backup…" />}
      {start.error && <ErrorMessage error={start.error} context="Could not start the backup." />}
      {job && <BackupStatus job={job} />}
    </div>
  );
}
