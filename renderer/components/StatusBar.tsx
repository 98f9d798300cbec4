import type { LedgerSyncStatus } from '../../shared/api';
import { useApi, useConnection } from '../api';
import { useOnline } from '../hooks/useOnline';
import { useStatus } from '../hooks/useStatus';
import { InterruptedJobs } from './InterruptedJobs';
import { JobProgress } from './JobProgress';
import { LedgerIcon, OfflineIcon, OnlineIcon, OutboxIcon, PlugIcon } from './icons';
import './StatusBar.css';
import { counted } from '../../shared/format';

export function StatusBar() {
  return (
    <footer className="statusbar" role="status" aria-label="Status">
      <ConnectionItem />
      <OnlineItem />
      <StatusItems />
      <InterruptedJobs />
    </footer>
  );
}

function OnlineItem() {
  const online = useOnline();
  const Icon = online ? OnlineIcon : OfflineIcon;
  return (
    <span
      className={`status-item ${online ? '' : 'status-warn'}`}
      data-testid="status-online"
      data-online={online}
      title={online ? 'This computer is online' : 'This computer is offline: contributions wait in the outbox'}
    >
      <Icon size={14} />
      {online ? 'Online' : 'Offline'}
    </span>
  );
}

function StatusItems() {
  const { state } = useConnection();
  const { data: fetched, error } = useStatus();
  // While the backend is out of reach its last numbers may already be wrong (a job ended, a record
  // was sent): say "unknown" rather than show them. A reconnect fetches them again.
  const reconnecting = state !== 'open' && fetched !== undefined;
  const data = reconnecting ? undefined : fetched;
  const unknown = (error && !fetched) || reconnecting ? 'unknown' : '…';
  const running = data?.jobs.running ?? [];
  return (
    <>
      <span className="status-item" data-testid="status-ledger" title="Where contribution records are anchored">
        <LedgerIcon size={14} />
        {data ? (
          <>
            <span className="visually-hidden">Ledger: </span>
            {data.ledger.name}
          </>
        ) : (
          `Ledger ${unknown}`
        )}
      </span>
      {data ? (
        <SyncItem sync={data.ledger.sync} pending={data.outbox.pending} confirming={data.outbox.confirming} />
      ) : (
        <span className="status-item" data-testid="status-outbox">
          <OutboxIcon size={14} />
          {`Outbox ${unknown}`}
        </span>
      )}
      <span className="status-jobs" data-testid="status-jobs">
        {!data ? (
          <span className="status-item status-quiet">{`Jobs ${unknown}`}</span>
        ) : running.length === 0 ? (
          <span className="status-item status-quiet">No jobs running</span>
        ) : (
          running.map((job) => <JobProgress key={job.id} title={job.title} progress={job.progress} compact />)
        )}
      </span>
    </>
  );
}

function ConnectionItem() {
  const { state, failures, epoch } = useConnection();
  const { connection } = useApi();
  if (state === 'open') return null;
  const firstAttempt = failures === 0 && epoch === 0 && state === 'connecting';
  return (
    <span className="status-item status-warn status-connection" data-testid="status-connection" data-state={state}>
      <PlugIcon size={14} />
      {firstAttempt ? 'Connecting to the backend…' : 'Reconnecting…'}
      {state === 'closed' && (
        <button type="button" className="status-link" onClick={connection.retryNow}>
          Retry now
        </button>
      )}
    </span>
  );
}

const SYNC_WORDS: Record<LedgerSyncStatus['state'], string> = {
  idle: 'Synced',
  syncing: 'Syncing',
  offline: 'Ledger offline',
  locked: 'Wallet locked',
  wrong_chain: 'Wrong chain',
  insufficient_funds: 'Insufficient funds',
  error: 'Sync error',
};

/** The outbox and the sync engine's state in one place; a click opens the records (Contributions). */
function SyncItem({ sync, pending, confirming }: { sync: LedgerSyncStatus; pending: number; confirming: number }) {
  // Sent and waiting on the chain is not "pending" on this computer: "Synced · 1 pending" read as a contradiction.
  const unsent = pending - confirming;
  // Locked or offline with nothing waiting is not a problem worth a warning colour.
  const warn = sync.state === 'insufficient_funds' || sync.state === 'error' || sync.state === 'wrong_chain' || (unsent > 0 && (sync.state === 'offline' || sync.state === 'locked'));
  const records = (n: number) => counted(n, 'signed contribution record');
  // Before this session's first pass, "Synced" would claim a ledger was reached (the devnet may not even be started).
  const words = sync.state === 'idle' && sync.lastSyncAt === null && pending === 0 ? 'Nothing to send' : SYNC_WORDS[sync.state];
  const title = `${words}${sync.message ? `: ${sync.message}` : ''}. ${records(unsent)} waiting to be sent${confirming > 0 ? `, ${records(confirming)} sent and waiting for confirmations` : ''}. Open Contributions.`;
  const counts = [unsent > 0 || confirming === 0 ? `${unsent} pending` : null, confirming > 0 ? `${confirming} confirming` : null].filter(Boolean).join(', ');
  return (
    <a href="#/contributions" className={`status-item status-sync ${warn ? 'status-warn' : ''}`} data-testid="status-outbox" data-state={sync.state} data-pending={pending} title={title}>
      <OutboxIcon size={14} />
      <span data-testid="status-sync">{words}</span>
      <span aria-hidden="true">·</span>
      <span>{counts}</span>
    </a>
  );
}
