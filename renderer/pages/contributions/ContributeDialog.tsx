import { useState, type SubmitEvent } from 'react';
import type { Contribution } from '../../../shared/api';
import { useAction, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';

interface ContributeDialogProps {
  open: boolean;
  onClose: () => void;
  onCreated: (record: Contribution) => void;
}

/** Sign a record for a datanet version: stored at once, anchored at the next sync. */
export function ContributeDialog({ open, onClose, onCreated }: ContributeDialogProps) {
  return (
    <Dialog open={open} title="Contribute a version" onClose={onClose} testId="contribute-dialog">
      {open && <ContributeForm onClose={onClose} onCreated={onCreated} />}
    </Dialog>
  );
}

function ContributeForm({ onClose, onCreated }: Omit<ContributeDialogProps, 'open'>) {
  const wallet = useCall('wallet.status', {});
  const datanets = useCall('datanets.list', {});
  const create = useAction('contributions.create');
  const versioned = (datanets.data ?? []).filter((d) => d.lastVersion !== null);
  const [datanetId, setDatanetId] = useState<string>('');
  const chosen = datanetId || versioned[0]?.id || '';
  const versions = useCall('versions.list', { datanet: chosen || 'dn_none' });
  const [versionId, setVersionId] = useState<string>('latest');

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const out = await create.run({ datanet: chosen, version: versionId });
    if (out) {
      onCreated(out);
      onClose();
    }
  }

  if (!wallet.data || !datanets.data) {
    return <CallFallback call={!wallet.data ? wallet : datanets} what={!wallet.data ? 'the wallet' : 'the datanets'} />;
  }
  if (!wallet.data.unlocked) {
    return (
      <p className="contribute-locked" data-testid="contribute-locked">
        {wallet.data.exists ? 'Signing needs the wallet unlocked.' : 'Signing needs a wallet, and there is none yet.'}{' '}
        <a href="#/wallet" onClick={onClose}>
          {wallet.data.exists ? 'Unlock it on the Wallet page' : 'Create or import one on the Wallet page'}
        </a>
        , then come back.
      </p>
    );
  }
  if (versioned.length === 0) {
    return (
      <p data-testid="contribute-no-versions">
        No datanet has a version yet. A contribution is a frozen version: open the datanet from the{' '}
        <a href="#/datanets" onClick={onClose}>Datanets page</a> and freeze one with <strong>Versions…</strong> at the top of its page (or with <code>studio version create</code>).
      </p>
    );
  }
  const versionList = chosen && versions.data ? [...versions.data].reverse() : [];
  const lastVersion = versioned.find((d) => d.id === chosen)?.lastVersion ?? null;
  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <div className="field">
        <label className="field-label" htmlFor="contribute-datanet">
          Datanet
        </label>
        <select
          id="contribute-datanet"
         
          className="select"
          data-testid="contribute-datanet"
          value={chosen}
          onChange={(e) => {
            setDatanetId(e.target.value);
            setVersionId('latest');
          }}
        >
          {versioned.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="contribute-version">
          Version
        </label>
        <select id="contribute-version" className="select" data-testid="contribute-version" value={versionId} onChange={(e) => setVersionId(e.target.value)}>
          <option value="latest">Latest{lastVersion ? ` (v${lastVersion.number})` : ''}</option>
          {versionList.map((v) => (
            <option key={v.id} value={v.id}>
              v{v.number} · {v.recordCount.toLocaleString()} records{v.note ? ` · ${v.note}` : ''}
            </option>
          ))}
        </select>
      </div>
      <p className="field-hint">The record names the version by its Merkle root, salted so the chain does not reveal the content. It is signed now and anchored at the next sync, online or not.</p>
      {create.error && <ErrorMessage error={create.error} context="Could not sign the contribution." testId="contribute-error" />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="contribute-submit" disabled={create.pending || !chosen}>
          Sign contribution
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        {create.pending && <Spinner label="Signing…" />}
      </div>
    </form>
  );
}
