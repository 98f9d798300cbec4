// Checks a training manifest: the file's own checks (shared/ledger/training-manifest.ts), the
// adapter's files when given, and on chain that ModelRegistry holds this root for this adapter.
import { Contract, getAddress, type InterfaceAbi, type JsonRpcProvider } from 'ethers';
import { checkManifest, type ManifestCheck, type TrainingManifest } from '../../../shared/ledger/training-manifest';
import type { ManifestVerification } from '../../../shared/api/schemas/registration';
import { artifact } from '../ledger/artifacts';
import { callView } from '../ledger/contract-call';
import { adapterIdentity } from './model-hashes';

/** ModelRegistry.Model as `get` returns it. */
export interface OnChainModel {
  owner: string;
  ownerShareBps: bigint;
  registeredAt: bigint;
  baseModelId: string;
  manifestRoot: string;
  trainer: string;
  uri: string;
}

export function modelRegistry(address: string, runner: Contract['runner']): Contract {
  return new Contract(address, artifact('ModelRegistry').abi as InterfaceAbi, runner);
}

/** The custom error a contract call reverted with, by name, when the error carries revert data. */
export function revertName(contract: Contract, error: unknown): string | null {
  const e = error as { data?: unknown; info?: { error?: { data?: unknown } } } | null;
  const data = e?.data ?? e?.info?.error?.data;
  if (typeof data !== 'string' || data.length < 10) return null;
  try {
    return contract.interface.parseError(data)?.name ?? null;
  } catch {
    return null;
  }
}

/** The adapter's registration on chain, or null when the registry does not know it. */
export async function registeredModel(registry: Contract, adapterHash: string): Promise<OnChainModel | null> {
  try {
    const m = await callView<OnChainModel>(registry, 'get', adapterHash);
    return { owner: m.owner, ownerShareBps: m.ownerShareBps, registeredAt: m.registeredAt, baseModelId: m.baseModelId, manifestRoot: m.manifestRoot, trainer: m.trainer, uri: m.uri };
  } catch (error) {
    if (revertName(registry, error) === 'UnknownModel') return null;
    throw error;
  }
}

/**
 * Every check that can run: the file's (ids from the listed hashes, the tree, the proofs, the
 * weight sum), the adapter folder's files when `adapterDir` is given, then with a provider the
 * registration on the manifest's chain. `ok` only when all hold and the chain was asked.
 */
export async function verifyManifest(manifest: TrainingManifest, provider: JsonRpcProvider | null, adapterDir?: string): Promise<ManifestVerification> {
  const checks: ManifestCheck[] = await checkManifest(manifest);
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  if (adapterDir !== undefined) {
    const files = await adapterIdentity(adapterDir);
    const same = files.hash === manifest.adapter.hash;
    check(
      'adapter files',
      same,
      same
        ? `${adapterDir} holds the adapter the manifest names`
        : `${adapterDir} hashes to ${files.hash} (weights ${files.weightsSha256 === manifest.adapter.weightsSha256 ? 'match' : 'differ'}, config ${files.configSha256 === manifest.adapter.configSha256 ? 'matches' : 'differs'}), the manifest names ${manifest.adapter.hash}`,
    );
  }
  if (!provider) return { ok: false, online: false, checks };
  const { chainId, modelRegistry: address } = manifest.chain;
  try {
    const served = Number(await provider.send('eth_chainId', []));
    if (served !== chainId) {
      check('chain', false, `the RPC serves chain ${served}, the manifest is registered on chain ${chainId}`);
      return { ok: false, online: true, checks };
    }
    const registry = modelRegistry(address, provider);
    const onChain = await registeredModel(registry, manifest.adapter.hash);
    if (!onChain) {
      check('registered', false, `the ModelRegistry at ${getAddress(address)} on chain ${chainId} has no adapter ${manifest.adapter.hash}`);
      return { ok: false, online: true, checks };
    }
    check(
      'registered',
      true,
      `adapter ${manifest.adapter.hash} is registered by ${onChain.owner} (trainer ${onChain.trainer}), the owner keeping ${Number(onChain.ownerShareBps) / 100}% of each fee`,
    );
    const rootOk = onChain.manifestRoot.toLowerCase() === manifest.root;
    check('manifest root', rootOk, rootOk ? `the registry holds this manifest's root ${manifest.root}` : `the registry holds root ${onChain.manifestRoot}, not this manifest's ${manifest.root}: the manifest was altered or is another one`);
    const baseOk = onChain.baseModelId.toLowerCase() === manifest.baseModel.id;
    check('base model', baseOk, baseOk ? `the registry names base model ${manifest.baseModel.id}` : `the registry names base model ${onChain.baseModelId}, the manifest ${manifest.baseModel.id}`);
    return { ok: checks.every((c) => c.ok), online: true, checks };
  } catch (error) {
    check('chain', false, `the chain could not be asked: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`);
    return { ok: false, online: false, checks };
  }
}
