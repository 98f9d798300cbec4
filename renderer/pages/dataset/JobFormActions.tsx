import type { ReactNode } from 'react';
import type { Job } from '../../../shared/api';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';

interface JobFormActionsProps {
  /** "Export", "Freeze version"; `busyLabel` while it starts or runs. */
  label: string;
  busyLabel: string;
  busy: boolean;
  /** Off for another reason than being busy (an empty path). */
  disabled?: boolean;
  testId: string;
  /** The job the form started, with Cancel while it runs. */
  job: Job | null;
  /** Why the start failed, shown under the buttons (the form decides how). */
  startError: ReactNode;
}

/** A job form's submit button, Cancel while its job runs, and what went wrong with either. */
export function JobFormActions({ label, busyLabel, busy, disabled = false, testId, job, startError }: JobFormActionsProps) {
  const cancel = useAction('jobs.cancel');
  return (
    <>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || disabled} data-testid={testId}>
          {busy ? busyLabel : label}
        </button>
        {job?.state === 'running' && (
          <button type="button" className="button" disabled={cancel.pending} onClick={() => void cancel.run({ id: job.id })}>
            Cancel
          </button>
        )}
      </div>
      {startError}
      {cancel.error && <ErrorMessage error={cancel.error} context="Could not cancel." />}
    </>
  );
}
