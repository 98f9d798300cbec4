import type { ReactNode } from 'react';
import type { ModelRegistration } from '../../../shared/api/schemas/registration';
import { dateTime, shortHex } from '../../format';
import { formatPercent } from './format';

/** An adapter's registration on the ledger: where, its on-chain ids, the transaction, the fee split; `children` are its actions. */
export function RegisteredView({ registration: r, network, children }: { registration: ModelRegistration; network: string; children?: ReactNode }) {
  return (
    <div className="registered" data-testid="adapter-registered" data-adapter-hash={r.adapterHash}>
      <p className="registered-head">
        <span className="badge badge-ok" data-testid="registered-badge">
          Registered on {network}
        </span>
        <span className="muted">
          {dateTime.format(r.registeredAt)} · owner {formatPercent(r.ownerShareBps)} of fees, contributors {formatPercent(10_000 - r.ownerShareBps)}
        </span>
      </p>
      <dl className="lineage-metrics">
        <Hex label="Adapter hash" value={r.adapterHash} testId="registered-adapter-hash" />
        <Hex label="Manifest root" value={r.manifestRoot} testId="registered-root" />
        {r.txHash ? (
          <Hex label={r.blockNumber === null ? 'Transaction' : `Transaction (block ${r.blockNumber})`} value={r.txHash} testId="registered-tx" />
        ) : (
          <div className="lineage-metric">
            <dt>Transaction</dt>
            <dd>found on chain after a restart</dd>
          </div>
        )}
        <Hex label="Owner" value={r.owner} testId="registered-owner" />
        {r.uri && (
          <div className="lineage-metric">
            <dt>URI</dt>
            <dd className="mono">{r.uri}</dd>
          </div>
        )}
      </dl>
      {children && <div className="registered-actions">{children}</div>}
    </div>
  );
}

function Hex({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="lineage-metric">
      <dt>{label}</dt>
      <dd className="mono" title={value} data-testid={testId} data-value={value}>
        {shortHex(value)}
      </dd>
    </div>
  );
}
