import { useState } from 'react';
import type { Contribution } from '../../../shared/api';
import type { RecordEarning } from '../../../shared/api/schemas/attribution';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { shortHex } from '../../format';
import { formatWei } from '../../format-wei';
import { useTokenUnit } from '../../token-unit';
import { downloadText } from '../wallet/download';
import { StateBadge } from './StateBadge';
import { TableScroll } from '../../components/TableScroll';
import { counted } from '../../../shared/format';

interface ContributionsTableProps {
  records: readonly Contribution[];
  datanetNames: ReadonlyMap<string, string>;
  versionNumbers: ReadonlyMap<string, number>;
  /** What settled attributions paid each record (absent: nothing yet). */
  earnings: ReadonlyMap<string, RecordEarning>;
}

/** Every record, newest first, with where it stands on the way to the chain. */
export function ContributionsTable({ records, datanetNames, versionNumbers, earnings }: ContributionsTableProps) {
  const bundle = useAction('contributions.bundle');
  const [failedFor, setFailedFor] = useState<string | null>(null);

  async function onProof(recordId: string): Promise<void> {
    setFailedFor(recordId);
    const out = await bundle.run({ record: recordId });
    if (out) downloadText(`contribution-${recordId.slice(2, 14)}.json`, `${JSON.stringify(out, null, 2)}\n`);
  }

  return (
    <>
      {bundle.error && failedFor && <ErrorMessage error={bundle.error} context={`Could not make the proof bundle of ${shortHex(failedFor)}.`} />}
      <TableScroll label="Contribution records">
        <table className="data-table contributions-table" data-testid="contributions-table">
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Datanet</th>
              <th scope="col">Version</th>
              <th scope="col" className="num">
                Items
              </th>
              <th scope="col">Transaction</th>
              <th scope="col" className="num">
                Block
              </th>
              <th scope="col" className="num">
                Confirmations
              </th>
              <th scope="col" className="num" title="What fees settled for answers of models trained on this record paid it (its contributor's share, claimable in the Wallet)">
                Earned
              </th>
              <th scope="col">Signed</th>
              <th scope="col">
                <span className="visually-hidden">Proof</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.recordId} data-testid="contribution-row" data-record={r.recordId} data-state={r.state}>
                <td>
                  <StateBadge state={r.state} />
                  {r.error && (
                    <p className="contribution-error" data-testid="contribution-error">
                      {r.error}
                    </p>
                  )}
                </td>
                <td>{datanetNames.get(r.datanetId) ?? <span className="mono">{r.datanetId}</span>}</td>
                <td>{versionNumbers.has(r.versionId) ? `v${versionNumbers.get(r.versionId)}` : <span className="mono">{r.versionId}</span>}</td>
                <td className="num">{r.itemCount.toLocaleString()}</td>
                <td>
                  {r.txHash ? (
                    <span className="mono selectable" data-testid="contribution-tx" data-tx={r.txHash} title={r.txHash}>
                      {shortHex(r.txHash)}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="num" data-testid="contribution-block">
                  {r.blockNumber ?? <span className="muted">—</span>}
                </td>
                <ConfirmationsCell record={r} />
                <EarnedCell earning={earnings.get(r.recordId)} />
                <td className="nowrap" title={new Date(r.createdAt).toLocaleString()}>
                  {new Date(r.createdAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}
                </td>
                <td>
                  <button type="button" className="button button-small" data-testid="contribution-proof" disabled={bundle.pending} onClick={() => void onProof(r.recordId)} aria-label={`Download the proof bundle of record ${shortHex(r.recordId)}`}>
                    Proof
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/**
 * Blocks on top of the anchoring one (itself counted), as of the last sync pass. Once final, no pass
 * follows the record any more and the chain moves on, so the count reads as a floor: "≥ 2 · final",
 * never a bare number that only looks current.
 */
function ConfirmationsCell({ record: r }: { record: Contribution }) {
  if (r.state === 'confirmed') {
    return (
      <td className="num nowrap" data-testid="contribution-confirmations" data-final="true" data-confirmations={r.confirmations ?? undefined} title="Final: as deep on the chain as the network's confirmation depth asks. The count is as of the last sync pass; later blocks add to it.">
        {r.confirmations !== null ? `≥ ${r.confirmations} · final` : 'final'}
      </td>
    );
  }
  return (
    <td className="num" data-testid="contribution-confirmations" data-confirmations={r.confirmations ?? undefined}>
      {r.confirmations ?? <span className="muted">—</span>}
    </td>
  );
}

function EarnedCell({ earning }: { earning: RecordEarning | undefined }) {
  const unit = useTokenUnit();
  if (!earning) {
    return (
      <td className="num" data-testid="contribution-earned" data-wei="0">
        <span className="muted">—</span>
      </td>
    );
  }
  const payments = counted(earning.payments, 'settled payment');
  return (
    <td className="num nowrap" data-testid="contribution-earned" data-wei={earning.wei} title={`${earning.wei} wei from ${payments}`}>
      <span className="mono">{formatWei(earning.wei)}</span> {unit}
    </td>
  );
}
