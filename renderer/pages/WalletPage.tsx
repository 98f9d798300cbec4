import { EmptyState } from '../components/EmptyState';
import { WalletIcon } from '../components/icons';
import { Page } from '../components/Page';

export function WalletPage() {
  return (
    <Page id="wallet" title="Wallet">
      <EmptyState icon={WalletIcon} heading="No wallet yet">
        <p>Your contributor address, its balance and the attribution rewards you can claim will be shown here. The wallet arrives with the keystore and the ledger.</p>
      </EmptyState>
    </Page>
  );
}
