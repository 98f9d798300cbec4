import type { CallOutput, LedgerStatus } from '../../../shared/api';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { counted } from '../../../shared/format';

type Report = NonNullable<CallOutput<'ledger.sync'>>;

const STATE_TEXT: Record<LedgerStatus['sync']['state'], string> = {
  idle: 'Up to date',
  syncing: 'Syncing…',
  offline: 'Offline',
  locked: 'Wallet locked',
  wrong_chain: 'Wrong chain',
  insufficient_funds: 'Insufficient funds',
  error: 'Sync failed',
};

/** "Sync now", and what the last pass found: the engine's own state, or the report of the pass just run. */
export function SyncPanel({ ledger, onSynced }: { ledger: LedgerStatus | undefined; onSynced: () => void }) {
  const sync = useAction('ledger.sync');
  const state = ledger?.sync.state;
  // Idle, yet records sent and not final: "Up to date" beside them would contradict their states.
  const inFlight = ledger ? ledger.counts.submitted + ledger.counts.included : 0;
  const waiting = state === 'idle' && inFlight > 0;

  async function onSync(): Promise<void> {
    await sync.run({});
    onSynced();
  }

  return (
    <div className="sync-panel" data-testid="sync-panel">
      <div className="form-actions">
        <button type="button" className="button" data-testid="sync-now" disabled={sync.pending} onClick={() => void onSync()}>
          Sync now
        </button>
        {sync.pending && <Spinner label="Syncing with the ledger…" />}
        {ledger && !sync.pending && (
          <span className={`sync-state sync-state-${waiting ? 'busy' : state === 'idle' ? 'ok' : state === 'syncing' ? 'busy' : 'warn'}`} data-testid="sync-state" data-state={state} data-waiting={waiting || undefined}>
            {waiting ? (ledger.sync.message ?? `Waiting for ${counted(inFlight, 'record')} to be confirmed`).replace(/\.$/, '') : STATE_TEXT[ledger.sync.state]} · {ledger.network.name}
            {ledger.sync.lastSyncAt !== null && <> · last sync {new Date(ledger.sync.lastSyncAt).toLocaleTimeString()}</>}
          </span>
        )}
      </div>
      {ledger?.sync.message && state !== 'idle' && (
        <p className="sync-problem" role="alert" data-testid="sync-problem">
          {ledger.sync.message}
          {state === 'locked' && (
            <>
              {' '}
              <a href="#/wallet">Open the Wallet page</a>
            </>
          )}
          {state === 'insufficient_funds' && (
            <>
              {' '}
              The records stay in the outbox. <a href="#/wallet">Fund the wallet</a>
            </>
          )}
        </p>
      )}
      {sync.data !== undefined && !sync.pending && <ReportLine report={sync.data} />}
      {sync.error && <ErrorMessage error={sync.error} context="The sync failed." />}
    </div>
  );
}

/** The pass's counts; its problem, if any, is the engine's state message above. */
function ReportLine({ report }: { report: Report | null }) {
  if (report === null) {
    return (
      <p className="sync-report" data-testid="sync-report" role="status">
        Nothing was sent: the wallet is locked or the network cannot be reached (see above).
      </p>
    );
  }
  return (
    <p className="sync-report" data-testid="sync-report" role="status">
      Last pass: {report.sent} sent, {report.included} included, {report.confirmed} confirmed
      {report.requeued > 0 && `, ${report.requeued} re-queued after a reorg or a dropped transaction`}
      {report.head !== null && ` · head block ${report.head}`}
    </p>
  );
}
