import { useState } from 'react';
import type { Reward } from '../../../shared/api';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { formatWei } from '../../format-wei';
import { counted } from '../../../shared/format';

/**
 * The claimable total of the imported shares and one button that claims them all, one
 * transaction each (Settlement.claim pays one leaf); it stops at the first that fails and says which.
 */
export function ClaimAll({
  rows,
  unit,
  unlocked,
  busy,
  onRunning,
  onClaimed,
}: {
  rows: readonly Reward[];
  /** The native token's unit, as the amounts are written ("ETH"). */
  unit: string;
  unlocked: boolean;
  busy: boolean;
  onRunning: (running: boolean) => void;
  onClaimed: () => void;
}) {
  const claim = useAction('rewards.claim');
  const [progress, setProgress] = useState<{ done: number; of: number; failed: Reward | null } | null>(null);
  const claimable = rows.filter((r) => r.state === 'claimable');
  const total = claimable.reduce((sum, r) => sum + BigInt(r.amount), 0n);

  async function onClaimAll(): Promise<void> {
    const todo = [...claimable];
    setProgress({ done: 0, of: todo.length, failed: null });
    onRunning(true);
    try {
      for (const [i, r] of todo.entries()) {
        const out = await claim.run({ paymentId: r.paymentId, index: r.index });
        if (!out) {
          setProgress({ done: i, of: todo.length, failed: r });
          return;
        }
        setProgress({ done: i + 1, of: todo.length, failed: null });
      }
    } finally {
      onRunning(false);
      onClaimed();
    }
  }

  const running = progress !== null && progress.done < progress.of && progress.failed === null;
  return (
    <div className="wallet-claimable" data-testid="wallet-claimable">
      <p className="wallet-claimable-total" data-testid="wallet-claimable-total" data-wei={total.toString()}>
        {claimable.length > 0 ? (
          <>
            Claimable:{' '}
            <span className="mono" title={`${total} wei`}>
              {formatWei(total)}
            </span>{' '}
            {unit} in {counted(claimable.length, 'share')}.
          </>
        ) : (
          <>Nothing to claim now: every imported share is claimed or invalid.</>
        )}
      </p>
      {claimable.length > 0 && (
        <button type="button" className="button button-small button-primary" data-testid="wallet-claim-all" disabled={!unlocked || busy || running} onClick={() => void onClaimAll()}>
          Claim all
        </button>
      )}
      {running && <Spinner label={`Claiming ${progress.done + 1} of ${progress.of}…`} />}
      {progress && !running && progress.failed === null && progress.of > 0 && (
        <p className="form-note" role="status" data-testid="wallet-claimed-all">
          Claimed {counted(progress.of, 'share')}.
        </p>
      )}
      {progress?.failed && claim.error && (
        <ErrorMessage error={claim.error} context={`Claimed ${progress.done} of ${progress.of}; share ${progress.failed.index} of payment ${progress.failed.paymentId} failed.`} testId="wallet-claim-all-error" />
      )}
    </div>
  );
}
