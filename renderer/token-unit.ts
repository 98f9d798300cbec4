import { useSettings } from './settings';

/**
 * The unit amounts of the ledger's native token are written in: the devnet's is ETH (anvil's
 * chain); a custom network's symbol is not known to the app, so it is named for what it is.
 */
export function tokenUnit(onDevnet: boolean): string {
  return onDevnet ? 'ETH' : 'native tokens';
}

/** The unit of the network in Settings (tokenUnit's), for pages that do not know the network themselves. */
export function useTokenUnit(): string {
  return tokenUnit(useSettings().data?.ledger.kind === 'devnet');
}
