import { useAction, useCall, useEvent } from '../../../api';
import { CallFallback } from '../../../components/CallFallback';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Spinner } from '../../../components/Spinner';

/** Whether the embedded devnet (anvil) runs, where, and start/stop. */
export function DevnetStatus() {
  const status = useCall('ledger.status', {});
  useEvent('status.changed', status.reload);
  const start = useAction('devnet.start');
  const stop = useAction('devnet.stop');
  const busy = start.pending || stop.pending;

  async function run(action: typeof start | typeof stop): Promise<void> {
    const devnet = await action.run({});
    if (devnet) status.setData((s) => s && { ...s, devnet });
  }

  if (!status.data) return <CallFallback call={status} what="the devnet's state" />;
  const { devnet } = status.data;
  return (
    <div className="devnet-status" data-testid="devnet-status" data-running={devnet.running}>
      <p className="devnet-line">
        <span className={`badge ${devnet.running ? 'badge-ok' : 'badge-missing'}`}>{devnet.running ? 'Running' : 'Stopped'}</span>
        {devnet.running ? (
          <span>
            anvil at <span className="mono selectable">{devnet.rpcUrl}</span>
            {devnet.owner === 'detached' && ' (started by studio devnet start: it keeps running when the app quits)'}
          </span>
        ) : (
          <span>It starts by itself when the app needs it (a sync, a balance, the faucet).</span>
        )}
      </p>
      <div className="form-actions">
        {devnet.running ? (
          <button type="button" className="button button-small" data-testid="devnet-stop" disabled={busy} onClick={() => void run(stop)}>
            Stop devnet
          </button>
        ) : (
          <button type="button" className="button button-small" data-testid="devnet-start" disabled={busy} onClick={() => void run(start)}>
            Start devnet
          </button>
        )}
        {start.pending && <Spinner label="Starting anvil and deploying the contracts…" />}
        {stop.pending && <Spinner label="Saving its state and stopping…" />}
      </div>
      {start.error && <ErrorMessage error={start.error} context="Could not start the devnet." />}
      {stop.error && <ErrorMessage error={stop.error} context="Could not stop the devnet." />}
    </div>
  );
}
