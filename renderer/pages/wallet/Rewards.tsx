import { useState, type ChangeEvent } from 'react';
import type { Reward, RewardState } from '../../../shared/api';
import { useAction, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { IconBadge } from '../../components/IconBadge';
import { CheckIcon, ErrorIcon, LedgerIcon } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { dateTime, shortHex } from '../../format';
import { formatWei } from '../../format-wei';
import { fieldError, FieldMessage } from './field-error';
import { ClaimAll } from './ClaimAll';
import { readText } from './read-text';
import { TableScroll } from '../../components/TableScroll';
import { tokenUnit } from '../../token-unit';
import { counted } from '../../../shared/format';

/** A state in a word, an icon and a colour (never colour alone); the hint says what it means. */
const LOOK: Record<RewardState, { label: string; Icon: typeof CheckIcon; hint: string }> = {
  claimable: { label: 'Claimable', Icon: LedgerIcon, hint: 'On chain and not yet claimed: Claim sends it to your address.' },
  claimed: { label: 'Claimed', Icon: CheckIcon, hint: 'The chain says this share was paid out.' },
  invalid: { label: 'Invalid', Icon: ErrorIcon, hint: 'Cannot be claimed; the reason is beside it.' },
};

/**
 * Shares of fees paid for models trained on the user's data. The app invents none: whoever
 * settles a fee hands out a claim file, the user imports it here (every proof is checked against
 * the chain), and each share is claimed with the wallet. Until a file is imported this says so.
 */
export function Rewards({ unlocked, onDevnet, onClaimed }: { unlocked: boolean; onDevnet: boolean; onClaimed: () => void }) {
  const unit = tokenUnit(onDevnet);
  const list = useCall('rewards.list', {});
  const importFile = useAction('rewards.import');
  const claim = useAction('rewards.claim');
  const [readProblem, setReadProblem] = useState<string | null>(null);
  const [claiming, setClaiming] = useState<string | null>(null);
  const [claimingAll, setClaimingAll] = useState(false);
  const fileError = fieldError(importFile.error, { file: 'The claim file' });

  function onFile(e: ChangeEvent<HTMLInputElement>): void {
    const input = e.target;
    const file = input.files?.[0];
    setReadProblem(null);
    importFile.reset();
    if (!file) return;
    readText(
      file,
      (text) => {
        input.value = ''; // the same file picked again (after a fix) imports again
        void importFile.run({ file: text }).then((out) => out && list.reload());
      },
      setReadProblem,
    );
  }

  async function onClaim(r: Reward): Promise<void> {
    setClaiming(`${r.paymentId}/${r.index}`);
    const out = await claim.run({ paymentId: r.paymentId, index: r.index });
    list.reload();
    if (out) onClaimed();
  }

  const rows = list.data ?? [];
  return (
    <div className="wallet-rewards" data-testid="wallet-rewards">
      {list.data && rows.length === 0 && (
        <div className="wallet-rewards-empty" data-testid="wallet-rewards-empty">
          <p className="wallet-rewards-heading">No rewards imported</p>
          <p className="field-hint">
            Rewards arrive when a model trained on your data is used: each use pays a fee, attribution measures how much your contributions drove the output, and whoever settles the fee hands out a claim file
            (datanet-studio/claims@1). Import it below; your shares then become claimable here.
          </p>
        </div>
      )}
      {!list.data && <CallFallback call={list} what="your rewards" />}
      {list.data && list.error && <ErrorMessage error={list.error} context="Could not refresh the rewards." />}
      {rows.length > 0 && (
        <ClaimAll
          rows={rows}
          unit={unit}
          unlocked={unlocked}
          busy={claim.pending}
          onRunning={setClaimingAll}
          onClaimed={() => {
            list.reload();
            onClaimed();
          }}
        />
      )}
      {rows.length > 0 && <RewardsTable rows={rows} unit={unit} unlocked={unlocked} pending={claimingAll ? 'all' : claim.pending ? claiming : null} onClaim={(r) => void onClaim(r)} />}
      {claim.error && claiming && <ErrorMessage error={claim.error} context={`Could not claim share ${claiming.split('/')[1]} of payment ${claiming.split('/')[0]}.`} testId="wallet-claim-error" />}
      {claim.data && !claim.pending && (
        <p className="form-note" role="status" data-testid="wallet-claimed">
          Claimed {formatWei(claim.data.amount, 18)} {unit} (tx <span className="mono">{shortHex(claim.data.txHash)}</span>).
        </p>
      )}
      <div className="field field-wide">
        <label className="field-label" htmlFor="wallet-claims-file">
          Import a claim file
        </label>
        <input
          id="wallet-claims-file"
          className="file-input"
          type="file"
          accept=".json,application/json"
          data-testid="wallet-claims-file"
          disabled={importFile.pending}
          aria-invalid={fileError || readProblem ? true : undefined}
          aria-describedby={fileError || readProblem ? 'wallet-claims-error' : 'wallet-claims-hint'}
          onChange={onFile}
        />
        <p className="field-hint" id="wallet-claims-hint">
          Each claim's proof is checked against its payment on the network in Settings; a file altered or made for another chain is refused whole.
        </p>
        {readProblem && <FieldMessage id="wallet-claims-error" text={readProblem} />}
        {fileError && <FieldMessage id="wallet-claims-error" testId="wallet-claims-error" text={fileError.text} />}
      </div>
      {importFile.pending && <Spinner label="Checking the claims against the chain…" />}
      {importFile.error && !fileError && <ErrorMessage error={importFile.error} context="Could not import the claim file." />}
      {importFile.data && !importFile.pending && (
        <p className="form-note" role="status" data-testid="wallet-claims-imported">
          Checked {counted(importFile.data.checked, 'claim')}; {importFile.data.mine} paid to this wallet.
        </p>
      )}
    </div>
  );
}

function RewardsTable({ rows, unit, unlocked, pending, onClaim }: { rows: readonly Reward[]; unit: string; unlocked: boolean; pending: string | null; onClaim: (r: Reward) => void }) {
  return (
    <>
      {!unlocked && rows.some((r) => r.state === 'claimable') && <p className="field-hint">Claiming signs a transaction: unlock the wallet above first.</p>}
      <TableScroll label="Rewards">
        <table className="data-table wallet-rewards-table" data-testid="wallet-rewards-table">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">For</th>
              <th scope="col">Paid</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const key = `${r.paymentId}/${r.index}`;
              const { label, Icon, hint } = LOOK[r.state];
              return (
                <tr key={`${r.chainId}/${r.settlement}/${key}`} data-testid="wallet-reward" data-state={r.state}>
                  <td>
                    <IconBadge Icon={Icon} label={label} className={`reward-state reward-state-${r.state}`} data-testid="wallet-reward-state" title={hint} />
                    {r.reason && <p className="wallet-reward-reason">{r.reason}</p>}
                  </td>
                  <td data-testid="wallet-reward-for">
                    <PaidFor reward={r} />
                  </td>
                  <td className="nowrap" data-testid="wallet-reward-paid" data-paid-at={r.paidAt ?? undefined}>
                    {r.paidAt === null ? <span className="muted">—</span> : dateTime.format(r.paidAt)}
                  </td>
                  <td className="num nowrap" title={`${r.amount} wei`}>
                    <span className="mono">{formatWei(r.amount, 18)}</span> {unit}
                  </td>
                  <td className="nowrap">
                    {r.state === 'claimable' && (
                      <button type="button" className="button button-small button-primary" data-testid="wallet-reward-claim" disabled={!unlocked || pending !== null} onClick={() => onClaim(r)}>
                        Claim
                      </button>
                    )}
                    {pending === key && <Spinner label="Claiming…" />}
                    {r.state === 'claimed' && r.claimTx && (
                      <span className="mono muted" title={r.claimTx}>
                        tx {shortHex(r.claimTx)}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** Which model's fee the share is of (its adapter's name when registered from here, else its hash), then the payment and the share's place in it. */
function PaidFor({ reward: r }: { reward: Reward }) {
  return (
    <>
      {r.adapter ? (
        <span data-testid="wallet-reward-adapter" title={r.adapterHash ?? undefined}>
          {r.adapter}
        </span>
      ) : r.adapterHash ? (
        <span data-testid="wallet-reward-adapter" title={r.adapterHash}>
          Adapter <span className="mono">{shortHex(r.adapterHash)}</span>
        </span>
      ) : (
        <span className="muted">Unknown model</span>
      )}
      <span className="muted" data-testid="wallet-reward-payment">
        {' '}
        · <span className="nowrap">payment #{r.paymentId},</span> <span className="nowrap">share {r.index}</span>
      </span>
    </>
  );
}
