/**
 * Registering an adapter on the ledger: its training manifest (the contribution records whose
 * items it was trained on, each weighted by the target tokens learned from them) is built, its
 * Merkle root sent with ModelRegistry.register from the unlocked wallet, and the registration kept
 * with the manifest (table model_registrations), so the manifest exported later is the one whose
 * root is on chain. Formats: shared/ledger/README.md, "Training manifests".
 */
import { getAddress } from 'ethers';
import { ApiFailure, conflict, notFound, unavailable } from '../../../shared/api/errors';
import type { ManifestVerification, ModelRegistration } from '../../../shared/api/schemas/registration';
import { idKey } from '../../../shared/ledger/contribution-record';
import { buildManifest, type ManifestEntry, type TrainingManifest } from '../../../shared/ledger/training-manifest';
import type { DatanetService } from '../datanets/service';
import { isInsufficientFunds } from '../ledger/chain-errors';
import { sendTx } from '../ledger/contract-call';
import { selectionOf } from '../ledger/selection';
import type { Connection, LedgerService } from '../ledger/service';
import type { Db } from '../store/database';
import { readAdapterInfo } from './adapters';
import { modelRegistry, registeredModel, revertName, verifyManifest } from './manifest-verify';
import { adapterIdentity, baseModelIdentity } from './model-hashes';
import type { ModelsService } from './service';
import { trainingUsage } from './training-usage';

interface Row {
  chain_id: number;
  model_registry: string;
  adapter_hash: string;
  adapter_name: string;
  manifest_root: string;
  base_model_id: string;
  owner: string;
  trainer: string;
  owner_share_bps: number;
  uri: string;
  manifest: string;
  tx_hash: string | null;
  block_number: number | null;
  registered_at: number;
}

export interface RegistrationDeps {
  db: Db;
  models: ModelsService;
  datanets: DatanetService;
  ledger: Pick<LedgerService, 'connect' | 'wallet'>;
}

const networkName = (c: Connection) => (c.network.kind === 'devnet' ? 'the local devnet' : c.network.name);

function toRegistration(r: Row): ModelRegistration {
  return {
    adapter: r.adapter_name,
    adapterHash: r.adapter_hash,
    chainId: r.chain_id,
    modelRegistry: getAddress(r.model_registry),
    owner: getAddress(r.owner),
    trainer: getAddress(r.trainer),
    ownerShareBps: r.owner_share_bps,
    uri: r.uri,
    manifestRoot: r.manifest_root,
    baseModelId: r.base_model_id,
    txHash: r.tx_hash,
    blockNumber: r.block_number,
    registeredAt: r.registered_at,
  };
}

export class ModelRegistrations {
  constructor(private readonly deps: RegistrationDeps) {}

  /**
   * The adapter's manifest: the one registered on the configured network when there is one, else
   * one built now against that network's contribution records (what `register` would send).
   */
  async manifest(adapter: string): Promise<{ manifest: TrainingManifest; registration: ModelRegistration | null }> {
    const { dir } = this.adapterOf(adapter);
    const identity = await adapterIdentity(dir);
    const c = await this.deps.ledger.connect();
    try {
      const row = this.row(c, identity.hash);
      if (row) return { manifest: JSON.parse(row.manifest) as TrainingManifest, registration: toRegistration(row) };
      return { manifest: await this.build(adapter, c), registration: null };
    } finally {
      c.provider.destroy();
    }
  }

  /** Builds the manifest and registers its root with the adapter on the configured network's ModelRegistry. */
  async register(adapter: string, ownerShareBps: number, uri: string): Promise<{ registration: ModelRegistration; manifest: TrainingManifest }> {
    this.adapterOf(adapter);
    const address = this.deps.ledger.wallet.status().address;
    if (!address) throw notFound('There is no wallet yet: create or import one first; the adapter is registered from its address, which owns it.');
    this.deps.ledger.wallet.signer(); // locked: say so before building anything
    const c = await this.deps.ledger.connect();
    try {
      const manifest = await this.build(adapter, c);
      const signer = this.deps.ledger.wallet.signer(c.provider);
      const registry = modelRegistry(c.addresses.ModelRegistry, signer);
      const existing = await registeredModel(registry, manifest.adapter.hash);
      if (existing) {
        const mine = existing.owner.toLowerCase() === signer.address.toLowerCase() && existing.manifestRoot.toLowerCase() === manifest.root;
        const row = this.row(c, manifest.adapter.hash);
        if (row || !mine) {
          const how = row?.tx_hash ? ` in transaction ${row.tx_hash} (block ${row.block_number})` : '';
          throw conflict(
            `Adapter ${adapter} (${manifest.adapter.hash}) is already registered on ${networkName(c)}${how}, owned by ${existing.owner} with manifest root ${existing.manifestRoot}. A model is registered once; its fee split cannot change.`,
          );
        }
        // Sent from here before, its receipt never stored (the app stopped): keep it now.
        return { registration: this.store(c, adapter, manifest, existing.owner, existing.trainer, Number(existing.ownerShareBps), existing.uri, null, null), manifest };
      }
      let receipt;
      try {
        receipt = await sendTx(registry, 'register', [manifest.adapter.hash, manifest.baseModel.id, manifest.root, signer.address, ownerShareBps, uri]);
      } catch (error) {
        if (isInsufficientFunds(error)) {
          throw conflict(
            `The wallet ${signer.address} has too little of ${networkName(c)}'s native token to pay for registering ${adapter}. Fund it (on the devnet: the faucet on the Wallet page or \`studio wallet fund\`), then register again.`,
          );
        }
        if (revertName(registry, error) === 'AlreadyRegistered') throw conflict(`Adapter ${adapter} (${manifest.adapter.hash}) was registered on ${networkName(c)} by another transaction just now.`);
        throw unavailable(`Registering ${adapter} on ${networkName(c)} failed: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`);
      }
      return { registration: this.store(c, adapter, manifest, signer.address, signer.address, ownerShareBps, uri, receipt.hash, receipt.blockNumber), manifest };
    } finally {
      c.provider.destroy();
    }
  }

  /**
   * The installed adapters registered from this app on the chain and ModelRegistry given (the
   * configured network's, known without connecting), whose files are still the ones registered:
   * an adapter deleted and trained again under the same name is not.
   */
  async registrations(on: { chainId: number; modelRegistry: string }): Promise<ModelRegistration[]> {
    const rows = this.deps.db
      .prepare('SELECT * FROM model_registrations WHERE chain_id = ? AND model_registry = ? ORDER BY registered_at DESC')
      .all(on.chainId, on.modelRegistry.toLowerCase()) as Row[];
    const installed = new Map(this.deps.models.adapters.list().map((a) => [a.name, a.dir]));
    const out: ModelRegistration[] = [];
    for (const row of rows) {
      const dir = installed.get(row.adapter_name);
      if (!dir || out.some((r) => r.adapter === row.adapter_name)) continue;
      const identity = await adapterIdentity(dir).catch(() => null);
      if (identity?.hash === row.adapter_hash) out.push(toRegistration(row));
    }
    return out;
  }

  /** Checks a manifest file against the configured network (and, with `adapter`, that installed adapter's files). */
  async verify(manifest: TrainingManifest, adapter?: string): Promise<ManifestVerification> {
    const adapterDir = adapter === undefined ? undefined : this.deps.models.adapters.get(adapter).dir;
    // Unreachable or misconfigured: the file's own checks still run.
    const c = await this.deps.ledger.connect().catch(() => null);
    try {
      return await verifyManifest(manifest, c?.provider ?? null, adapterDir);
    } finally {
      c?.provider.destroy();
    }
  }

  private adapterOf(adapter: string) {
    const dirs = this.deps.models.adapterDirs(adapter);
    const lineage = readAdapterInfo(dirs.adapter)?.lineage ?? null;
    if (!lineage) {
      throw new ApiFailure({
        code: 'invalid_input',
        field: 'adapter',
        message: `${adapter} has no lineage (it was imported, not trained here): a training manifest lists the contribution records an adapter was trained on, so only adapters trained in this app can be registered.`,
      });
    }
    return { dir: dirs.adapter, baseDir: dirs.base, baseName: dirs.baseName, lineage };
  }

  private row(c: Connection, adapterHash: string): Row | undefined {
    return this.deps.db
      .prepare('SELECT * FROM model_registrations WHERE chain_id = ? AND model_registry = ? AND adapter_hash = ?')
      .get(c.chainId, c.addresses.ModelRegistry.toLowerCase(), adapterHash) as Row | undefined;
  }

  /**
   * The manifest for `c`'s chain: every contribution record of the adapter's datanet version
   * signed for this chain's ContributionRegistry (failed ones aside) whose items include train
   * examples, weighted by the target tokens of those examples.
   */
  private async build(adapter: string, c: Connection): Promise<TrainingManifest> {
    const { dir, baseDir, baseName, lineage } = this.adapterOf(adapter);
    const { db, datanets, models } = this.deps;
    const usage = await trainingUsage(datanets, lineage, baseDir, adapter);
    const registryAddress = c.addresses.ContributionRegistry.toLowerCase();
    const records = db
      .prepare(`SELECT record_id, digest, contributor FROM contributions WHERE datanet_id = ? AND version_id = ? AND chain_id = ? AND lower(registry) = ? AND state != 'failed' ORDER BY record_id`)
      .all(usage.datanetId, usage.versionId, c.chainId, registryAddress) as { record_id: string; digest: string; contributor: string }[];
    const entries: Omit<ManifestEntry, 'proof'>[] = [];
    for (const { record_id: recordId, ...row } of records) {
      const selection = selectionOf(db, recordId);
      let examples = usage.examples;
      let tokens = usage.tokens;
      if (selection) {
        examples = 0;
        tokens = 0;
        for (const p of selection.positions) {
          const used = usage.byPosition.get(p);
          if (used) {
            examples += used.examples;
            tokens += used.tokens;
          }
        }
      }
      if (examples > 0) entries.push({ recordId: recordId.toLowerCase(), digest: row.digest.toLowerCase(), contributor: getAddress(row.contributor), examples, tokens });
    }
    if (entries.length === 0) {
      const name = datanets.datanets.get(usage.datanetId).name;
      throw conflict(
        `No contribution record of ${name} version ${usage.versionNumber} on ${networkName(c)} covers the examples ${adapter} was trained on${records.length > 0 ? ` (${records.length} record(s) cover none of them)` : ''}: contribute that version first (the Contributions page, or studio contribute ${JSON.stringify(name)} --version ${usage.versionNumber}), then register.`,
      );
    }
    return buildManifest({
      adapter: await adapterIdentity(dir),
      baseModel: await baseModelIdentity(baseDir, models.models.get(baseName).source),
      datanet: { id: idKey(usage.datanetId), localId: usage.datanetId, version: usage.versionNumber, localVersionId: usage.versionId, versionRoot: usage.versionRoot.toLowerCase() },
      training: { field: usage.field, examples: usage.examples, tokens: usage.tokens },
      chain: { chainId: c.chainId, contributionRegistry: getAddress(c.addresses.ContributionRegistry), modelRegistry: getAddress(c.addresses.ModelRegistry) },
      entries,
    });
  }

  private store(c: Connection, adapter: string, m: TrainingManifest, owner: string, trainer: string, ownerShareBps: number, uri: string, txHash: string | null, blockNumber: number | null): ModelRegistration {
    this.deps.db
      .prepare(
        `INSERT OR REPLACE INTO model_registrations
           (chain_id, model_registry, adapter_hash, adapter_name, manifest_root, base_model_id, owner, trainer, owner_share_bps, uri, manifest, tx_hash, block_number, registered_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.chainId, c.addresses.ModelRegistry.toLowerCase(), m.adapter.hash, adapter, m.root, m.baseModel.id, owner.toLowerCase(), trainer.toLowerCase(), ownerShareBps, uri, JSON.stringify(m), txHash, blockNumber, Date.now());
    return toRegistration(this.row(c, m.adapter.hash)!);
  }
}
