import type { Job } from '../../../shared/api';
import { JobProgress } from '../../components/JobProgress';
import { StatusBadge } from '../../components/StatusBadge';

/** The backup job as it is now: its progress while running, then where the copy went or why not. */
export function BackupStatus({ job }: { job: Job }) {
  return (
    <div className="backup-result" data-testid="backup-result" data-state={job.state} role="status">
      {job.state === 'running' && <JobProgress title={job.title} progress={job.progress} />}
      {job.state === 'succeeded' && (
        <p className="result-line">
          <StatusBadge status="ok" />
          {job.result ? (
            <span>
              Backup saved to <code className="selectable">{job.result}</code>
            </span>
          ) : (
            <span>Backup finished.</span>
          )}
        </p>
      )}
      {job.state === 'failed' && (
        <p className="result-line">
          <StatusBadge status="error" />
          <span>The backup failed: {job.error}</span>
        </p>
      )}
      {job.state === 'cancelled' && <p className="result-line">The backup was cancelled.</p>}
      {job.state === 'interrupted' && <p className="result-line">The backup was interrupted when the app stopped. Start it again.</p>}
    </div>
  );
}
