import { z } from 'zod';

export const ThemePreference = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.infer<typeof ThemePreference>;

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address (0x and 40 hex digits)');

/** Where the app's four contracts live on a chain; omitted until deployed or entered. */
export const ContractAddresses = z
  .object({ DatanetRegistry: Address, ContributionRegistry: Address, ModelRegistry: Address, Settlement: Address })
  .strict();
export type ContractAddresses = z.infer<typeof ContractAddresses>;

/** Blocks on top of the including one before a batch counts as final. */
const Confirmations = z.number().int().min(1).max(1000);
/** Records anchored under one root by one transaction; gas per record falls as batches grow. */
const BatchSize = z.number().int().min(1).max(10_000);

/** Where contribution records are anchored: the app's own local devnet, or any EVM JSON-RPC. */
export const LedgerNetwork = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('devnet'), confirmations: Confirmations.optional(), batchSize: BatchSize.optional() }).strict(),
  z
    .object({
      kind: z.literal('rpc'),
      name: z.string().trim().min(1, 'must not be empty').max(80),
      rpcUrl: z
        .url('must be a URL like https://rpc.example.org')
        .refine((u) => /^(https?|wss?):\/\//.test(u), 'must start with http://, https://, ws:// or wss://'),
      chainId: z.number().int().positive(),
      contracts: ContractAddresses.optional(),
      confirmations: Confirmations.optional(),
      batchSize: BatchSize.optional(),
    })
    .strict(),
]);
export type LedgerNetwork = z.infer<typeof LedgerNetwork>;

export const Settings = z.object({
  theme: ThemePreference,
  ledger: LedgerNetwork,
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { theme: 'system', ledger: { kind: 'devnet' } };

export const SettingsPatch = z
  .object({
    theme: ThemePreference.optional(),
    ledger: LedgerNetwork.optional(),
  })
  .strict();

/** Chains the Settings page offers by name; the RPC URL is the user's to fill in (providers differ). */
export const NETWORK_PRESETS = [
  { id: 'openledger', name: 'OpenLedger', chainId: 1612 },
  { id: 'openledger-testnet', name: 'OpenLedger testnet', chainId: 161201 },
] as const;

/** Depth before a batch is final: a local devnet does not reorganise on its own; a public chain may. */
export function confirmationsOf(network: LedgerNetwork): number {
  return network.confirmations ?? (network.kind === 'devnet' ? 2 : 12);
}

export const DEFAULT_BATCH_SIZE = 1000;

/** Records per anchoring transaction: the profile's, or 1,000 (48 gas a record, bench/RESULTS.md). */
export function batchSizeOf(network: LedgerNetwork): number {
  return network.batchSize ?? DEFAULT_BATCH_SIZE;
}

export function ledgerName(network: LedgerNetwork): string {
  return network.kind === 'devnet' ? 'Local devnet (anvil)' : network.name;
}
