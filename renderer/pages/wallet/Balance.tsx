import { useEffect } from 'react';
import { useAction, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { tokenUnit } from '../../token-unit';

/**
 * The balance on the configured network (asking it may start the devnet); the faucet on the devnet.
 * A change of `refreshKey` (a reward claimed elsewhere on the page) asks again.
 */
export function Balance({ onDevnet, refreshKey = 0 }: { onDevnet: boolean; refreshKey?: number }) {
  const balance = useCall('wallet.balance', {});
  const fund = useAction('wallet.fund');
  const { reload } = balance;
  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey, reload]);

  async function onFund(): Promise<void> {
    fund.reset(); // a refusal after an earlier success must not still read "Funded."
    if (await fund.run({ eth: '10' })) balance.reload();
  }

  return (
    <div className="wallet-balance">
      {balance.data ? (
        <p className="wallet-balance-amount" data-testid="wallet-balance">
          <span className="wallet-balance-number" title={balance.data.formatted}>
            {trimAmount(balance.data.formatted)}
          </span> <span className="wallet-balance-unit">{tokenUnit(onDevnet)}{onDevnet && ' (devnet)'}</span>
        </p>
      ) : (
        <CallFallback call={balance} what="the balance" />
      )}
      {balance.data && balance.error && <ErrorMessage error={balance.error} context="Could not refresh the balance." />}
      <div className="form-actions">
        <button type="button" className="button button-small" data-testid="wallet-balance-refresh" disabled={balance.loading} onClick={balance.reload}>
          Refresh
        </button>
        {onDevnet && (
          <button type="button" className="button button-small" data-testid="wallet-fund" disabled={fund.pending} onClick={() => void onFund()}>
            Get 10 test ETH from the devnet faucet
          </button>
        )}
        {fund.pending && <Spinner label="Sending…" />}
        {fund.data && !fund.pending && (
          <span className="form-note" role="status">
            Funded.
          </span>
        )}
      </div>
      {!onDevnet && <p className="field-hint">On a public chain, get tokens from its own faucet or a bridge and send them to the address above.</p>}
      {/* A conflict is the faucet declining (this wallet is the one it pays from): said plainly, not as a failure. */}
      {fund.error?.error.code === 'conflict' ? (
        <p className="form-note" role="status" data-testid="wallet-fund-declined">
          {fund.error.message}
        </p>
      ) : (
        fund.error && <ErrorMessage error={fund.error} context="The faucet could not fund the wallet." />
      )}
    </div>
  );
}

/** "10.0" → "10", "9.999926146210752541" → "9.999926": six decimals read; the full amount is the title. */
function trimAmount(formatted: string): string {
  const [whole, fraction = ''] = formatted.split('.');
  const shown = fraction.slice(0, 6).replace(/0+$/, '');
  return shown ? `${whole}.${shown}` : (whole ?? formatted);
}
