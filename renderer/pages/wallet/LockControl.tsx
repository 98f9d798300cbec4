import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { WalletStatus } from '../../../shared/api';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { fieldError, FieldMessage } from './field-error';

export function LockControl({ status, onStatus }: { status: WalletStatus; onStatus: (status: WalletStatus) => void }) {
  useFocusAcrossLock(status.unlocked);
  return status.unlocked ? <Unlocked status={status} onStatus={onStatus} /> : <Locked onStatus={onStatus} />;
}

/**
 * Lock and Unlock replace the control that was pressed, and focus would fall to the page: after
 * locking it goes to the password field, after unlocking to the state line ("Unlocked, locks itself
 * in…"), which says what happened, with Lock now the next Tab. Focus the user has put elsewhere
 * (auto-lock while they work on another part of the page) is left where it is.
 */
function useFocusAcrossLock(unlocked: boolean): void {
  const was = useRef(unlocked);
  useEffect(() => {
    if (was.current === unlocked) return;
    was.current = unlocked;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    document.getElementById(unlocked ? 'wallet-lock-state' : 'wallet-unlock-password')?.focus();
  }, [unlocked]);
}

function Unlocked({ status, onStatus }: { status: WalletStatus; onStatus: (status: WalletStatus) => void }) {
  const lock = useAction('wallet.lock');
  return (
    <div className="wallet-lock">
      <p className="wallet-lock-state" id="wallet-lock-state" tabIndex={-1} data-testid="wallet-lock-state" data-unlocked="true">
        <span className="badge badge-ok">Unlocked</span>
        {status.locksAt !== null && <Countdown until={status.locksAt} />}
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button button-small"
          data-testid="wallet-lock"
          disabled={lock.pending}
          onClick={() => void lock.run({}).then((out) => out && onStatus(out))}
        >
          Lock now
        </button>
      </div>
      {lock.error && <ErrorMessage error={lock.error} context="Could not lock the wallet." />}
    </div>
  );
}

/** "Locks in 14:59 if unused": each signature pushes it back, and the page hears of that through status events. */
function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.round((until - now) / 1000));
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return (
    <span className="wallet-countdown" data-testid="wallet-locks-in">
      locks itself in <span className="mono">{text}</span> if unused
    </span>
  );
}

function Locked({ onStatus }: { onStatus: (status: WalletStatus) => void }) {
  const unlock = useAction('wallet.unlock');
  const [password, setPassword] = useState('');
  const err = fieldError(unlock.error, { password: 'The password' });

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const out = await unlock.run({ password });
    if (out) {
      setPassword('');
      onStatus(out);
    }
  }

  return (
    <form className="wallet-lock form" onSubmit={(e) => void onSubmit(e)}>
      <p className="wallet-lock-state" data-testid="wallet-lock-state" data-unlocked="false">
        <span className="badge badge-missing">Locked</span>
        <span>Unlock to sign contributions and anchor them on the ledger.</span>
      </p>
      <div className="field">
        <label className="field-label" htmlFor="wallet-unlock-password">
          Password
        </label>
        <div className="field-inline">
          <input
            id="wallet-unlock-password"
            className="input"
            type="password"
            data-testid="wallet-unlock-password"
            autoComplete="current-password"
            required
            value={password}
            aria-invalid={err ? true : undefined}
            aria-describedby={err ? 'wallet-unlock-error' : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="button button-primary" data-testid="wallet-unlock" disabled={unlock.pending}>
            Unlock
          </button>
        </div>
        {err && <FieldMessage id="wallet-unlock-error" testId="wallet-unlock-error" text={err.text} />}
      </div>
      {unlock.pending && <Spinner label="Opening the keystore…" />}
      {unlock.error && !err && <ErrorMessage error={unlock.error} context="Could not unlock the wallet." testId="wallet-unlock-failure" />}
    </form>
  );
}
