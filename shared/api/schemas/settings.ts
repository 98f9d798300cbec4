import { z } from 'zod';

export const ThemePreference = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.infer<typeof ThemePreference>;

/** Where contribution records are anchored: the app's own local devnet, or any EVM JSON-RPC. */
export const LedgerNetwork = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('devnet') }).strict(),
  z
    .object({
      kind: z.literal('rpc'),
      name: z.string().trim().min(1, 'must not be empty').max(80),
      rpcUrl: z
        .url('must be a URL like https://rpc.example.org')
        .refine((u) => /^(https?|wss?):\/\//.test(u), 'must start with http://, https://, ws:// or wss://'),
      chainId: z.number().int().positive(),
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

export function ledgerName(network: LedgerNetwork): string {
  return network.kind === 'devnet' ? 'Local devnet (anvil)' : network.name;
}
