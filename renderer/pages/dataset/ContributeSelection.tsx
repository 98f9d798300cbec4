import { useState } from 'react';
import type { Contribution, DatanetSummary } from '../../../shared/api';
import type { ApiFailure } from '../../../shared/api/errors';
import { toFailure, useApi, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { pageHref } from '../../route';
import { selectedCount, type Selection } from './selection';
import { MAX_SELECTION_IDS, selectionItemIds, type ListRef } from './selection-ids';

interface ContributeSelectionProps {
  datanet: DatanetSummary;
  list: ListRef;
  selection: Selection;
  /** The list's length when the positions were chosen. */
  total: number;
  onClose: () => void;
}

/**
 * "Contribute selection…": signs a contribution record for the selected items of the datanet's
 * latest version (their records' Merkle root, salted). Says first what stands in the way: no
 * wallet or a locked one, no version, a selection too large to send from here.
 */
export function ContributeSelection({ datanet, list, selection, total, onClose }: ContributeSelectionProps) {
  return (
    <Dialog open title="Contribute selection" onClose={onClose} testId="contribute-selection-dialog">
      <ContributeSelectionBody datanet={datanet} list={list} selection={selection} total={total} onClose={onClose} />
    </Dialog>
  );
}

function ContributeSelectionBody({ datanet, list, selection, total, onClose }: ContributeSelectionProps) {
  const client = useApi();
  const wallet = useCall('wallet.status', {});
  const count = selectedCount(selection);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [signed, setSigned] = useState<Contribution | null>(null);
  const version = datanet.lastVersion;

  async function sign(): Promise<void> {
    setError(null);
    try {
      setProgress('Reading the selected items…');
      const items = await selectionItemIds(client, list, selection, total, (done, all) => setProgress(`Reading the selected items… ${done.toLocaleString()} of ${all.toLocaleString()}`));
      setProgress('Signing…');
      setSigned(await client.call('contributions.create', { datanet: datanet.id, version: 'latest', items }));
    } catch (err) {
      setError(toFailure(err));
    } finally {
      setProgress(null);
    }
  }

  if (!wallet.data) return <CallFallback call={wallet} what="the wallet" />;
  if (!wallet.data.unlocked) {
    return (
      <p data-testid="contribute-selection-locked">
        {wallet.data.exists ? 'Signing needs the wallet unlocked.' : 'Signing needs a wallet, and there is none yet.'}{' '}
        <a href={pageHref('wallet')} onClick={onClose}>
          {wallet.data.exists ? 'Unlock it on the Wallet page' : 'Create or import one on the Wallet page'}
        </a>
        , then come back.
      </p>
    );
  }
  if (!version) {
    return (
      <p data-testid="contribute-selection-no-version">
        {datanet.name} has no version yet. A contribution names records of a frozen version: freeze one first with <strong>Versions…</strong> at the top of this page (or <code>studio version create</code>), then contribute the selection.
      </p>
    );
  }
  if (signed) {
    return (
      <div role="status" data-testid="contribute-selection-done">
        <p>
          Signed record <code>{signed.recordId.slice(0, 10)}…</code> for {signed.itemCount.toLocaleString()} items of version {version.number}. It is anchored at the next sync, online or not.
        </p>
        <div className="form-actions">
          <a className="button button-primary" href={pageHref('contributions')} onClick={onClose}>
            See it on Contributions
          </a>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    );
  }
  const tooMany = count > MAX_SELECTION_IDS;
  return (
    <div className="form">
      <p>
        Sign a contribution record for the {count.toLocaleString()} selected items of version {version.number} of {datanet.name}, the latest. The record carries the Merkle root of their records in
        that version, salted so the chain does not reveal the content.
      </p>
      {tooMany && (
        <p className="field-error" role="alert" data-testid="contribute-selection-too-many">
          At most {MAX_SELECTION_IDS.toLocaleString()} items can be contributed from here. Select fewer, contribute the whole version on the <a href={pageHref('contributions')} onClick={onClose}>Contributions page</a>, or use{' '}
          <code>studio contribute {datanet.name} --items FILE</code>.
        </p>
      )}
      {error && <ErrorMessage error={error} context="Could not sign the contribution." testId="contribute-selection-error" />}
      <div className="form-actions">
        <button type="button" className="button button-primary" data-testid="contribute-selection-sign" disabled={tooMany || progress !== null} onClick={() => void sign()}>
          Sign contribution
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        {progress && <Spinner label={progress} />}
      </div>
    </div>
  );
}
