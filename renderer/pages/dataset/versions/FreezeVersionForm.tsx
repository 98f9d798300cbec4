import { useEffect, useId, useState } from 'react';
import type { Datanet, Version } from '../../../../shared/api';
import { ApiFailure } from '../../../../shared/api/errors';
import { useApi, useCall } from '../../../api';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { JobProgress } from '../../../components/JobProgress';
import { useJobStart } from '../../../hooks/useJobStart';
import { JobFormActions } from '../JobFormActions';
import { RootCell } from './RootCell';

/** What a finished freeze made, and the version before it (to tell "nothing changed"). */
interface Frozen {
  version: Version;
  previous: Version | undefined;
}

interface FreezeVersionFormProps {
  datanet: Datanet;
  /** The datanet's versions after a freeze, oldest first. */
  onFrozen: (versions: Version[]) => void;
}

/** "Freeze a new version": an optional note, the job's progress, then the version it made. */
export function FreezeVersionForm({ datanet, onFrozen }: FreezeVersionFormProps) {
  const client = useApi();
  // Opened again while a version of this datanet is being frozen, it shows that job.
  const freeze = useJobStart('versions.create', datanet.id);
  const [note, setNote] = useState('');
  const [frozen, setFrozen] = useState<Frozen | null>(null);
  const [listError, setListError] = useState<ApiFailure | null>(null);
  // Read as the form opens (labels may have come from the annotate view or another window since the page loaded), and after each freeze.
  const summary = useCall('datanets.get', { datanet: datanet.id });
  const unchangedSince = summary.data?.lastVersion && !summary.data.changedSinceVersion ? summary.data.lastVersion.number : null;
  const noteId = useId();
  const { job } = freeze;

  // The job says "version N: …" in words; the list says it in fields. The newest is the one made
  // here (versions are numbered in one transaction, and one freeze is followed at a time).
  const succeededId = job?.state === 'succeeded' ? job.id : null;
  useEffect(() => {
    if (!succeededId) return;
    let current = true;
    client.call('versions.list', { datanet: datanet.id }).then(
      (list) => {
        if (!current) return;
        const version = list.at(-1);
        if (version) setFrozen({ version, previous: list.at(-2) });
        summary.reload();
        onFrozen(list);
      },
      (error: unknown) => current && setListError(error instanceof ApiFailure ? error : new ApiFailure({ code: 'unavailable', message: String(error) })),
    );
    return () => {
      current = false;
    };
    // onFrozen is the parent's; only a new finished job asks again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, datanet.id, succeededId]);


  async function submit(): Promise<void> {
    setListError(null);
    setFrozen(null);
    if (await freeze.start({ datanet: datanet.id, note: note.trim() })) setNote('');
  }

  return (
    <form
      className="form versions-freeze"
      data-testid="version-freeze-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="field versions-note">
        <label className="field-label" htmlFor={noteId}>
          Note <span className="muted">(optional)</span>
        </label>
        <input
          id={noteId}
          className="input"
          maxLength={2000}
          placeholder="What changed, e.g. relabeled the refunds"
          value={note}
          disabled={freeze.busy}
          data-testid="version-note"
          onChange={(e) => setNote(e.target.value)}
        />
        <span className="field-hint">
          Every item and its current labels, as one record each, under one Merkle root: what training, contributions and proofs name.
        </span>
      </div>
      {unchangedSince !== null && !freeze.busy && (
        // Said before, not only after: a second version of the same records clutters every version picker.
        <p className="versions-same" data-testid="version-unchanged">
          Nothing changed since version {unchangedSince} was frozen: a new version would hold the same records.
        </p>
      )}
      <JobFormActions
        label={unchangedSince !== null ? 'Freeze anyway' : 'Freeze version'}
        busyLabel="Freezing…"
        busy={freeze.busy}
        testId="version-freeze"
        job={job}
        startError={freeze.error && <ErrorMessage error={freeze.error} context="The version was not started." testId="version-freeze-error" />}
      />
      {job && (
        <div role="status" data-testid="version-freeze-job" data-state={job.state}>
          {job.state === 'running' && <JobProgress title="Freezing" progress={job.progress} />}
          {job.state === 'failed' && (
            <ErrorMessage error={new ApiFailure({ code: 'unavailable', message: job.error })} context="The version was not created." testId="version-freeze-failed" />
          )}
          {(job.state === 'cancelled' || job.state === 'interrupted') && <p className="muted">Stopped before the version was written: no version was made.</p>}
          {job.state === 'succeeded' && frozen && <FrozenSummary frozen={frozen} />}
        </div>
      )}
      {listError && <ErrorMessage error={listError} context="The version was made, but the list did not load." />}
    </form>
  );
}

function FrozenSummary({ frozen: { version, previous } }: { frozen: Frozen }) {
  const same = previous !== undefined && previous.root === version.root;
  return (
    <div className="versions-frozen" data-testid="version-frozen" data-number={version.number}>
      {/* In the text's own colour: the root's code box on green text fails contrast, and the words say it worked. */}
      <p className="versions-frozen-line">
        <strong>Version {version.number} frozen:</strong> {version.recordCount.toLocaleString()} {version.recordCount === 1 ? 'record' : 'records'}, root{' '}
        <RootCell root={version.root} testId="version-frozen-root" />
      </p>
      {same && (
        // A Merkle root is over every record in order: the same root is the same records.
        <p className="versions-same" data-testid="version-same">
          Same records as version {previous.number}: nothing changed since it was frozen.
        </p>
      )}
    </div>
  );
}
