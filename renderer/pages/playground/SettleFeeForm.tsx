import { useId, useState, type SubmitEvent } from 'react';
import type { Attribution } from '../../../shared/api/schemas/attribution';
import { feeParts, type FeeParts } from '../../../shared/attribution/shares';
import { useAction, useCall, useEvent } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { shortHex } from '../../format';
import { formatWei, parseTokenAmount } from '../../format-wei';
import { useTokenUnit } from '../../token-unit';
import { formatScore } from './why-spans';
import './settle-fee.css';

interface SettleFeeFormProps {
  attribution: Attribution;
  /** The attribution as settled, and where the contributors' claim file was written. */
  onSettled: (attribution: Attribution, claimsFile: string) => void;
}

/**
 * Pays a fee for an attributed answer to the Settlement contract from the wallet: the model
 * owner's part as fixed at registration, the rest to the contributors by the attribution's shares.
 * The split is shown as the fee is typed; Pay… then says what will be paid, to whom and from which
 * wallet, and only its button ("Pay 0.5 ETH") sends anything, as registering asks before it signs.
 */
export function SettleFeeForm({ attribution: a, onSettled }: SettleFeeFormProps) {
  const id = useId();
  const unit = useTokenUnit();
  const [text, setText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const settle = useAction('attribution.settle');
  const parsed = text.trim() === '' ? null : parseTokenAmount(text);
  const fee = parsed && 'wei' in parsed ? parsed.wei : null;
  const parts = fee !== null ? feeParts(fee, a.record.ownerShareBps) : null;

  function submit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    settle.reset();
    if (parts) setConfirming(true);
  }

  async function pay(): Promise<void> {
    if (fee === null) return;
    const out = await settle.run({ id: a.id, feeWei: fee.toString() });
    if (out) onSettled(out.attribution, out.claimsFile);
    else setConfirming(false);
  }

  return (
    <form className="pg-why-settle" data-testid="pg-why-settle" onSubmit={submit}>
      <label htmlFor={id}>Pay a fee for this answer ({unit})</label>
      <div className="pg-why-settle-row">
        <input
          id={id}
          className="input input-small mono"
          inputMode="decimal"
          placeholder="0.01"
          value={text}
          disabled={confirming || settle.pending}
          aria-invalid={parsed !== null && 'error' in parsed}
          aria-describedby={`${id}-split`}
          data-testid="pg-why-fee"
          onChange={(e) => {
            setText(e.target.value);
            settle.reset();
          }}
        />
        {!confirming && (
          <button type="submit" className="button button-small button-primary" disabled={!parts} data-testid="pg-why-pay">
            Pay…
          </button>
        )}
      </div>
      <p className="field-hint" id={`${id}-split`} data-testid="pg-why-split">
        {parsed && 'error' in parsed
          ? parsed.error
          : parts
            ? `The model's owner keeps ${formatWei(parts.owner, 18)} ${unit} (${a.record.ownerShareBps / 100}%, fixed at registration); the contributors share ${formatWei(parts.contributors, 18)} ${unit} by the scores above, to the wei.`
            : `The model's owner keeps ${a.record.ownerShareBps / 100}% (fixed at registration); the contributors share the rest by the scores above.`}
      </p>
      {confirming && fee !== null && parts && (
        <PayConfirm attribution={a} fee={fee} parts={parts} unit={unit} pending={settle.pending} onPay={() => void pay()} onBack={() => setConfirming(false)} />
      )}
      {settle.error && <ErrorMessage error={settle.error} context="Could not pay the fee." testId="pg-why-settle-error" />}
    </form>
  );
}

interface PayConfirmProps {
  attribution: Attribution;
  fee: bigint;
  parts: FeeParts;
  unit: string;
  pending: boolean;
  onPay: () => void;
  onBack: () => void;
}

/** The payment spelled out before the wallet signs: how much, from which wallet, to whom. */
function PayConfirm({ attribution: a, fee, parts, unit, pending, onPay, onBack }: PayConfirmProps) {
  const wallet = useCall('wallet.status', {});
  useEvent('status.changed', wallet.reload); // locked elsewhere (the Wallet page, auto-lock)
  const registrations = useCall('models.registrations', {});
  const owner = registrations.data?.registrations.find((r) => r.adapterHash.toLowerCase() === a.record.adapterHash.toLowerCase())?.owner ?? null;
  const amount = `${formatWei(fee, 18)} ${unit}`;
  const total = a.contributors.reduce((sum, c) => sum + Math.max(c.score, 0), 0);
  // Priced at this very fee already: the amounts signed are the ones paid. Otherwise the record is
  // signed again at this fee, and the contributors' part is split by the same scores.
  const exact = a.record.totalFee === fee.toString();
  const unlocked = wallet.data?.unlocked === true;
  const textId = useId();
  return (
    <div className="pg-why-confirm" role="group" aria-labelledby={textId} data-testid="pg-why-confirm">
      <p id={textId}>
        Pay <strong>{amount}</strong> for this answer of {a.adapter}, to the Settlement contract <span className="mono" title={a.settlement}>{shortHex(a.settlement)}</span>? It cannot be taken back.
      </p>
      {wallet.data ? (
        <p data-testid="pg-why-confirm-from">
          {unlocked ? (
            <>
              From your wallet <span className="mono selectable">{wallet.data.address}</span>, which also pays the gas.
            </>
          ) : (
            'Your wallet is locked: unlock it on the Wallet page to pay.'
          )}
        </p>
      ) : (
        <CallFallback call={wallet} what="the wallet" />
      )}
      <ul className="pg-why-confirm-parts" data-testid="pg-why-confirm-parts">
        <li data-testid="pg-why-confirm-owner">
          <span className="mono">{formatWei(parts.owner, 18)}</span> {unit} to the model&apos;s owner
          {owner ? (
            <>
              {' '}
              <span className="mono" title={owner}>
                {shortHex(owner)}
              </span>
            </>
          ) : null}{' '}
          ({a.record.ownerShareBps / 100}%, fixed at registration), withdrawn by the owner
        </li>
        <li data-testid="pg-why-confirm-contributors">
          <span className="mono">{formatWei(parts.contributors, 18)}</span> {unit} to {a.contributors.length === 1 ? 'the contributor' : `${a.contributors.length} contributors`}, by their shares, each
          claimed with the claim file:
          <ul>
            {a.contributors.map((c) => (
              <li key={c.contributor} data-testid="pg-why-confirm-contributor" data-contributor={c.contributor}>
                <span className="mono" title={c.contributor}>
                  {shortHex(c.contributor)}
                </span>{' '}
                {exact ? (
                  <>
                    <span className="mono">{formatWei(c.amount, 18)}</span> {unit}
                  </>
                ) : (
                  `${total > 0 && a.contributors.length > 1 ? `about ${Math.round((Math.max(c.score, 0) / total) * 1000) / 10}%` : '100%'} (score ${formatScore(c.score)})`
                )}
              </li>
            ))}
          </ul>
        </li>
      </ul>
      <div className="form-actions">
        <button type="button" className="button button-small button-primary" data-testid="pg-why-confirm-pay" disabled={pending || !unlocked} onClick={onPay}>
          Pay {amount}
        </button>
        <button type="button" className="button button-small" disabled={pending} onClick={onBack}>
          Back
        </button>
        {pending && <Spinner label="Paying…" />}
      </div>
    </div>
  );
}
