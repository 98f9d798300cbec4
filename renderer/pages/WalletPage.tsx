import { useState } from 'react';
import { useCall, useEvent } from '../api';
import { CallFallback } from '../components/CallFallback';
import { EmptyState } from '../components/EmptyState';
import { WalletIcon } from '../components/icons';
import { Page } from '../components/Page';
import { Section } from '../components/Section';
import { CreateWallet } from './wallet/CreateWallet';
import { ImportWallet } from './wallet/ImportWallet';
import { WalletDetails } from './wallet/WalletDetails';
import './wallet/wallet.css';

export function WalletPage() {
  const status = useCall('wallet.status', {});
  // Locking, unlocking and auto-lock all change the status bar's data; the wallet follows them.
  useEvent('status.changed', status.reload);
  return (
    <Page id="wallet" title="Wallet" lead="Your key signs your contribution records. It is kept encrypted on this computer and never leaves it.">
      {status.data ? (
        status.data.exists ? (
          <WalletDetails status={status.data} onStatus={status.setData} />
        ) : (
          <NoWallet onDone={status.setData} />
        )
      ) : (
        <CallFallback call={status} what="the wallet" />
      )}
    </Page>
  );
}

function NoWallet({ onDone }: { onDone: Parameters<typeof CreateWallet>[0]['onDone'] }) {
  const [flow, setFlow] = useState<'create' | 'import' | null>(null);
  if (flow === 'create') {
    return (
      <Section title="Create a wallet">
        <CreateWallet onDone={onDone} onCancel={() => setFlow(null)} />
      </Section>
    );
  }
  if (flow === 'import') {
    return (
      <Section title="Import a wallet">
        <ImportWallet onDone={onDone} onCancel={() => setFlow(null)} />
      </Section>
    );
  }
  return (
    <EmptyState icon={WalletIcon} heading="No wallet yet">
      <p>A wallet signs your contribution records, so anyone can check that they are yours, and receives the rewards they earn.</p>
      <div className="form-actions wallet-choices">
        <button type="button" className="button button-primary" data-testid="wallet-create-start" onClick={() => setFlow('create')}>
          Create a new wallet
        </button>
        <button type="button" className="button" data-testid="wallet-import-start" onClick={() => setFlow('import')}>
          Import a wallet
        </button>
      </div>
    </EmptyState>
  );
}
