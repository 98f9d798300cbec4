import { useId, useState, type SubmitEvent } from 'react';
import type { Attribution } from '../../../shared/api/schemas/attribution';
import { feeParts } from '../../../shared/attribution/shares';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatWei, parseTokenAmount } from '../../format-wei';

interface SettleFeeFormProps {
  attribution: Attribution;
  /** The attribution as settled, and where the contributors' claim file was written. */
  onSettled: (attribution: Attribution, claimsFile: string) => void;
}

/**
 * Pays a fee for an attributed answer to the Settlement contract from the wallet: the model
 * owner's part as fixed at registration, the rest to the contributors by the attribution's shares.
 * The split is shown before anything is sent.
 */
export function SettleFeeForm({ attribution: a, onSettled }: SettleFeeFormProps) {
  const id = useId();
  const [text, setText] = useState('');
  const settle = useAction('attribution.settle');
  const parsed = text.trim() === '' ? null : parseTokenAmount(text);
  const parts = parsed && 'wei' in parsed ? feeParts(parsed.wei, a.record.ownerShareBps) : null;

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!parsed || !('wei' in parsed)) return;
    const out = await settle.run({ id: a.id, feeWei: parsed.wei.toString() });
    if (out) onSettled(out.attribution, out.claimsFile);
  }

  return (
    <form className="pg-why-settle" data-testid="pg-why-settle" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Pay a fee for this answer (native token)</label>
      <div className="pg-why-settle-row">
        <input
          id={id}
          className="input input-small mono"
          inputMode="decimal"
          placeholder="0.01"
          value={text}
          disabled={settle.pending}
          aria-invalid={parsed !== null && 'error' in parsed}
          aria-describedby={`${id}-split`}
          data-testid="pg-why-fee"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button button-small button-primary" disabled={!parts || settle.pending} data-testid="pg-why-pay">
          {settle.pending ? 'Paying…' : 'Pay'}
        </button>
      </div>
      <p className="field-hint" id={`${id}-split`} data-testid="pg-why-split">
        {parsed && 'error' in parsed
          ? parsed.error
          : parts
            ? `The model's owner keeps ${formatWei(parts.owner, 18)} (${a.record.ownerShareBps / 100}%, fixed at registration); the contributors share ${formatWei(parts.contributors, 18)} by the scores above, to the wei.`
            : `The model's owner keeps ${a.record.ownerShareBps / 100}% (fixed at registration); the contributors share the rest by the scores above.`}
      </p>
      {settle.error && <ErrorMessage error={settle.error} context="Could not pay the fee." testId="pg-why-settle-error" />}
    </form>
  );
}
