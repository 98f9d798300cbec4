import type { ContractAddresses, LedgerNetwork, NETWORK_PRESETS } from '../../../../shared/api';
import { wholeNumberIn } from '../whole-number';

/**
 * The presets Settings offers by name. A copy of shared NETWORK_PRESETS, whose module also builds
 * zod schemas the renderer never runs; the type below makes any drift a compile error.
 */
export const PRESETS: typeof NETWORK_PRESETS = [
  { id: 'openledger', name: 'OpenLedger', chainId: 1612 },
  { id: 'openledger-testnet', name: 'OpenLedger testnet', chainId: 161201 },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];
export type Profile = 'devnet' | PresetId | 'custom';

export const CONTRACTS = ['DatanetRegistry', 'ContributionRegistry', 'ModelRegistry', 'Settlement'] as const satisfies readonly (keyof ContractAddresses)[];

/** The form's text state: numbers stay strings until Save, so typing never fights an input. */
export interface Draft {
  profile: Profile;
  name: string;
  rpcUrl: string;
  chainId: string;
  contracts: Record<keyof ContractAddresses, string>;
  confirmations: string;
  batchSize: string;
}

const NO_CONTRACTS = { DatanetRegistry: '', ContributionRegistry: '', ModelRegistry: '', Settlement: '' };

/** A saved rpc network is a preset when its name and chain id are the preset's (the user cannot change those there). */
export function profileOf(network: LedgerNetwork): Profile {
  if (network.kind === 'devnet') return 'devnet';
  return PRESETS.find((p) => p.name === network.name && p.chainId === network.chainId)?.id ?? 'custom';
}

export function draftOf(network: LedgerNetwork): Draft {
  const confirmations = network.confirmations === undefined ? '' : String(network.confirmations);
  const batchSize = network.batchSize === undefined ? '' : String(network.batchSize);
  if (network.kind === 'devnet') return { profile: 'devnet', name: '', rpcUrl: '', chainId: '', contracts: { ...NO_CONTRACTS }, confirmations, batchSize };
  return {
    profile: profileOf(network),
    name: network.name,
    rpcUrl: network.rpcUrl,
    chainId: String(network.chainId),
    contracts: { ...NO_CONTRACTS, ...network.contracts },
    confirmations,
    batchSize,
  };
}

/** Text becomes the right types; the backend validates and names the wrong field. */
export function networkOf(d: Draft): LedgerNetwork {
  const confirmations = d.confirmations.trim() === '' ? {} : { confirmations: Number(d.confirmations.trim()) };
  const batchSize = d.batchSize.trim() === '' ? {} : { batchSize: Number(d.batchSize.trim()) };
  if (d.profile === 'devnet') return { kind: 'devnet', ...confirmations, ...batchSize };
  const preset = PRESETS.find((p) => p.id === d.profile);
  const entered = CONTRACTS.some((c) => d.contracts[c].trim() !== '');
  return {
    kind: 'rpc',
    name: preset ? preset.name : d.name,
    chainId: preset ? preset.chainId : Number(d.chainId.trim()),
    rpcUrl: d.rpcUrl.trim(),
    // All four or none: none means "not deployed yet" (Deploy contracts here fills them in).
    ...(entered ? { contracts: Object.fromEntries(CONTRACTS.map((c) => [c, d.contracts[c].trim()])) as ContractAddresses } : {}),
    ...confirmations,
    ...batchSize,
  };
}

export const DEFAULT_CONFIRMATIONS = { devnet: 2, rpc: 12 };
/** shared/api/schemas/settings.ts DEFAULT_BATCH_SIZE (that module builds zod schemas the renderer never runs). */
export const DEFAULT_BATCH_SIZE = 1000;

/** shared/api/schemas/settings.ts's Confirmations and BatchSize limits, for the form's own check. */
const WHOLE_NUMBERS = { confirmations: { label: 'Confirmations', max: 1000 }, batchSize: { label: 'Batch size', max: 10_000 } } as const;

/**
 * A number the backend would refuse, in a sentence (zod's own words are "Invalid input: expected
 * int, received number"), or null; empty means the default.
 */
export function numberProblem(d: Draft): { field: keyof typeof WHOLE_NUMBERS; text: string } | null {
  for (const field of ['confirmations', 'batchSize'] as const) {
    const text = d[field].trim();
    const { label, max } = WHOLE_NUMBERS[field];
    if (text !== '' && wholeNumberIn(text, 1, max) === null) {
      return { field, text: `${label} must be a whole number from 1 to ${max.toLocaleString()}, or empty for the default.` };
    }
  }
  return null;
}

/**
 * Edits not saved yet, with the saved network they started from (`base`, its JSON). Kept for the
 * window, so a trip to another page or a reload does not throw them away; a change saved meanwhile
 * (another window, a deployment) makes them stale, and the form shows the saved network instead.
 */
export interface UnsavedDraft {
  base: string;
  draft: Draft;
}

const TEXT_FIELDS = ['name', 'rpcUrl', 'chainId', 'confirmations', 'batchSize'] as const;
const PROFILE_IDS: readonly string[] = ['devnet', 'custom', ...PRESETS.map((p) => p.id)];

export function isUnsavedDraft(value: unknown): value is UnsavedDraft {
  if (typeof value !== 'object' || value === null) return false;
  const { base, draft } = value as Record<string, unknown>;
  if (typeof base !== 'string' || typeof draft !== 'object' || draft === null) return false;
  const d = draft as Record<string, unknown>;
  const contracts = d.contracts as Record<string, unknown> | null | undefined;
  return (
    typeof d.profile === 'string' &&
    PROFILE_IDS.includes(d.profile) &&
    TEXT_FIELDS.every((f) => typeof d[f] === 'string') &&
    typeof contracts === 'object' &&
    contracts !== null &&
    CONTRACTS.every((c) => typeof contracts[c] === 'string')
  );
}
