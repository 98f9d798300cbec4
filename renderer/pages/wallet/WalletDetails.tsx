import { useState } from 'react';
import type { WalletStatus } from '../../../shared/api';
import { Section } from '../../components/Section';
import { useSettings } from '../../settings';
import { Balance } from './Balance';
import { CopyButton } from './CopyButton';
import { ExportKeystore } from './ExportKeystore';
import { LockControl } from './LockControl';
import { Rewards } from './Rewards';

/** The wallet that exists: who it is, what it holds, whether it can sign now. */
export function WalletDetails({ status, onStatus }: { status: WalletStatus; onStatus: (status: WalletStatus) => void }) {
  const settings = useSettings();
  const onDevnet = settings.data?.ledger.kind === 'devnet';
  // Bumped by a claim: the balance asks the chain again.
  const [claims, setClaims] = useState(0);
  return (
    <>
      <Section title="Address" description="Your contributor address: every contribution record you sign names it, and rewards are paid to it." testId="wallet-address-section">
        <div className="wallet-address-row">
          <span className="mono selectable wallet-address" data-testid="wallet-address">
            {status.address}
          </span>
          <CopyButton text={status.address ?? ''} label="Copy address" testId="wallet-copy" />
        </div>
      </Section>
      <Section title="Balance" description="Native tokens on the ledger network, for the fees of anchoring your records." testId="wallet-balance-section">
        <Balance onDevnet={onDevnet} refreshKey={claims} />
      </Section>
      <Section title="Lock" description="Signing needs the wallet unlocked. It locks itself when unused for a while, and whenever the app stops." testId="wallet-lock-section">
        <LockControl status={status} onStatus={onStatus} />
      </Section>
      <Section title="Rewards" description="Your shares of fees paid for models trained on your data, from the claim files of whoever settled them; each is claimed to this address." testId="wallet-rewards-section">
        <Rewards unlocked={status.unlocked} onDevnet={onDevnet} onClaimed={() => setClaims((n) => n + 1)} />
      </Section>
      <Section title="Back up" description="The keystore file is your key encrypted with your password. Keep a copy elsewhere: with it and the password you can restore the wallet here or in MetaMask." testId="wallet-export-section">
        <ExportKeystore />
      </Section>
    </>
  );
}
