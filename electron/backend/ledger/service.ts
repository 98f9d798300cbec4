// The ledger as the app sees it: the wallet, the network the settings name (the embedded devnet
// or any EVM JSON-RPC), the contributions outbox and the loop that syncs it.
import path from 'node:path';
import { Wallet, formatEther, parseEther, type JsonRpcProvider } from 'ethers';
import { ApiFailure, conflict, unavailable } from '../../../shared/api/errors';
import type { LedgerSyncStatus } from '../../../shared/api/schemas/status';
import { batchSizeOf, confirmationsOf, type ContractAddresses, type LedgerNetwork } from '../../../shared/api/schemas/settings';
import { BUNDLE_FORMAT, type BundleVerification, type ContributionBundle } from '../../../shared/ledger/bundle';
import { recordDomain } from '../../../shared/ledger/contribution-record';
import { counted } from '../../../shared/format';
import type { Hex } from '../../../shared/ledger/eip712';
import { ANVIL_DEV_KEY } from './anvil-process';
import { isInsufficientFunds } from './chain-errors';
import { signContribution } from './contribute';
import { Contributions, type StoredContribution } from './contributions';
import { deployContracts, missingCode } from './deploy';
import { DEVNET_CHAIN_ID, Devnet, mineBlocks } from './devnet';
import { providerFor } from './provider';
import { selectItems, selectionProof, selectionSummary, type SelectionProof } from './selection';
import { anchorsOn, SyncEngine, type SyncReport, type SyncTarget } from './sync';
import { verifyBundle } from './verify';
import { WalletStore } from './wallet';
import type { Db } from '../store/database';

type SyncState = LedgerSyncStatus['state'];

export interface SyncStatus {
  state: SyncState;
  message: string | null;
  lastSyncAt: number | null;
  lastReport: SyncReport | null;
}

export interface Connection {
  provider: JsonRpcProvider;
  chainId: number;
  rpcUrl: string;
  addresses: ContractAddresses;
  network: LedgerNetwork;
}

export interface LedgerDeps {
  db: Db;
  dataDir: string;
  network: () => LedgerNetwork;
  /** Saves contract addresses into the settings' network profile after a deployment. */
  saveAddresses: (addresses: ContractAddresses) => void;
  onChange: () => void;
  /** Seconds between sync passes while there is work; 0 turns the loop off (tests drive it). */
  syncIntervalSeconds?: number;
}

const SYNC_INTERVAL_SECONDS = 15;

export class LedgerService {
  readonly wallet: WalletStore;
  readonly devnet: Devnet;
  readonly contributions: Contributions;
  private sync: SyncStatus = { state: 'idle', message: null, lastSyncAt: null, lastReport: null };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SyncReport | null> | null = null;
  private closed = false;
  /** The head block last seen on each chain (by a sync pass, the loop's too, or a check): what confirmations count against. */
  private readonly heads = new Map<number, number>();

  constructor(private readonly deps: LedgerDeps) {
    this.wallet = new WalletStore(path.join(deps.dataDir, 'wallet'), {}, () => {
      deps.onChange();
      this.kick();
    });
    this.devnet = new Devnet(deps.dataDir);
    this.contributions = new Contributions(deps.db);
    const every = deps.syncIntervalSeconds ?? SYNC_INTERVAL_SECONDS;
    if (every > 0) {
      this.timer = setInterval(() => this.kick(), every * 1000);
      this.timer.unref();
    }
  }

  syncStatus(): SyncStatus {
    return this.sync;
  }

  /** The newest block number seen on that chain in this session, if any. */
  headOf(chainId: number): number | undefined {
    return this.heads.get(chainId);
  }

  noteHead(chainId: number, head: number): void {
    this.heads.set(chainId, head); // the latest, not the highest: a devnet started afresh begins at block 0 again
  }

  /** Connects to the configured network and checks it: chain id, and code at the contract addresses. */
  async connect(): Promise<Connection> {
    const network = this.deps.network();
    if (network.kind === 'devnet') {
      const { rpcUrl, addresses } = await this.devnet.ensure();
      return { provider: providerFor(rpcUrl, DEVNET_CHAIN_ID), chainId: DEVNET_CHAIN_ID, rpcUrl, addresses, network };
    }
    const provider = await this.reach(network);
    try {
      if (!network.contracts) throw contractsNotSet(network);
      const missing = await missingCode(provider, network.contracts);
      if (missing.length > 0) throw unavailable(`${network.name} has no code at the address of ${missing.join(', ')}: check the addresses, or deploy the contracts there.`);
      return { provider, chainId: network.chainId, rpcUrl: network.rpcUrl, addresses: network.contracts, network };
    } catch (error) {
      provider.destroy();
      throw error;
    }
  }

  /** A provider for an RPC profile whose node answers with the chain id the profile names. */
  private async reach(network: Extract<LedgerNetwork, { kind: 'rpc' }>): Promise<JsonRpcProvider> {
    const provider = providerFor(network.rpcUrl, network.chainId);
    let chainId: number;
    try {
      chainId = Number(await provider.send('eth_chainId', []));
    } catch (error) {
      provider.destroy();
      throw unavailable(`${network.name} (${network.rpcUrl}) cannot be reached: ${(error as Error).message}`);
    }
    if (chainId !== network.chainId) {
      provider.destroy();
      throw new ApiFailure({ code: 'invalid_input', field: 'chainId', message: `is ${network.chainId} in Settings, but ${network.rpcUrl} serves chain ${chainId}` });
    }
    return provider;
  }

  /** Chain id and registry for signing, known without a connection where possible (offline signing). */
  async signingTarget(): Promise<SyncTarget> {
    const network = this.deps.network();
    if (network.kind === 'rpc') {
      if (!network.contracts) throw contractsNotSet(network);
      return { chainId: network.chainId, registry: network.contracts.ContributionRegistry as Hex };
    }
    const known = (await this.devnet.info()).addresses;
    if (known) return { chainId: DEVNET_CHAIN_ID, registry: known.ContributionRegistry as Hex };
    const { addresses } = await this.devnet.ensure();
    return { chainId: DEVNET_CHAIN_ID, registry: addresses.ContributionRegistry as Hex };
  }

  /** Signs a record of the whole version, or with `items` of those records of it (selection.ts). */
  async contribute(datanet: { id: string; license: string }, version: { id: string; number: number; root: string; recordCount: number }, items?: readonly string[]): Promise<StoredContribution> {
    const signer = this.wallet.signer();
    const selection = items ? await selectItems(this.deps.db, version, items) : undefined;
    const stored = await signContribution(this.contributions, signer, await this.signingTarget(), datanet, version, { selection });
    this.deps.onChange();
    this.kick();
    return stored;
  }

  async balance(): Promise<{ address: string; wei: string; formatted: string }> {
    const address = this.wallet.status().address;
    if (!address) throw new ApiFailure({ code: 'not_found', message: 'There is no wallet yet: create or import one first.' });
    const c = await this.connect();
    try {
      const wei = await c.provider.getBalance(address);
      return { address, wei: wei.toString(), formatted: formatEther(wei) };
    } finally {
      c.provider.destroy();
    }
  }

  /** The devnet faucet: anvil's dev account sends the wallet some of its 10,000 ETH. */
  async fund(eth = '10'): Promise<{ txHash: string; balance: string }> {
    if (this.deps.network().kind !== 'devnet') throw conflict('The faucet exists only on the embedded devnet; on a public chain get tokens from its own faucet or a bridge.');
    const address = this.wallet.status().address;
    if (!address) throw new ApiFailure({ code: 'not_found', message: 'There is no wallet yet: create or import one first.' });
    // Imported from anvil's well-known key, the wallet *is* the faucet: a transfer would pay it to itself.
    if (address.toLowerCase() === new Wallet(ANVIL_DEV_KEY).address.toLowerCase()) {
      throw conflict("This wallet is the devnet's own funded account, the one the faucet pays from; it needs no faucet.");
    }
    const c = await this.connect();
    try {
      const tx = await new Wallet(ANVIL_DEV_KEY, c.provider).sendTransaction({ to: address, value: parseEther(eth) });
      await tx.wait();
      this.kick();
      return { txHash: tx.hash, balance: formatEther(await c.provider.getBalance(address)) };
    } finally {
      c.provider.destroy();
    }
  }

  /** Deploys the contracts to the configured RPC chain with the user's wallet, and saves the addresses. */
  async deploy(): Promise<ContractAddresses> {
    const network = this.deps.network();
    if (network.kind === 'devnet') return (await this.devnet.ensure()).addresses;
    const provider = await this.reach(network);
    try {
      const signer = this.wallet.signer(provider);
      let addresses: ContractAddresses;
      try {
        addresses = await deployContracts(signer);
      } catch (error) {
        if (isInsufficientFunds(error)) throw unavailable(`The wallet ${signer.address} has too little of ${network.name}'s native token to pay for deploying the contracts. Fund it, then deploy again.`);
        throw error;
      }
      this.deps.saveAddresses(addresses);
      return addresses;
    } finally {
      provider.destroy();
    }
  }

  bundle(recordId: string): ContributionBundle {
    const c = this.contributions.get(recordId);
    if (!c) throw new ApiFailure({ code: 'not_found', message: `No contribution record ${recordId} here.` });
    const batch = c.batchRoot ? this.contributions.batch(c.batchRoot) : undefined;
    const selection = selectionSummary(this.deps.db, recordId);
    return {
      format: BUNDLE_FORMAT,
      record: c.record,
      signature: c.signature,
      domain: recordDomain(c.chainId, c.registry),
      digest: c.digest,
      content: { unsaltedRoot: c.contentRoot, salt: c.salt, localDatanetId: c.datanetId, localVersionId: c.versionId },
      batch: c.batchRoot && c.proof ? { root: c.batchRoot, proof: c.proof, txHash: batch?.txHash ?? null, blockNumber: batch?.blockNumber ?? null } : null,
      ...(selection && { selection }),
    };
  }

  /** One item's proof against a selection record's (unsalted) content root. */
  selectionProof(recordId: string, itemId: string): SelectionProof {
    const c = this.contributions.get(recordId);
    if (!c) throw new ApiFailure({ code: 'not_found', message: `No contribution record ${recordId} here.` });
    return selectionProof(this.deps.db, recordId, c.contentRoot, itemId);
  }

  async verify(bundle: ContributionBundle): Promise<BundleVerification> {
    // Unreachable or misconfigured: the offline checks still run.
    const connection = await this.connect().catch(() => null);
    try {
      return await verifyBundle(bundle, connection?.provider ?? null, connection ? confirmationsOf(connection.network) : 1);
    } finally {
      connection?.provider.destroy();
    }
  }

  /** One sync pass now (or the one already running); null when there is nothing to do or no key. */
  syncNow(): Promise<SyncReport | null> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => null);
    this.wallet.close();
    // Only the devnet this process started: one `studio devnet start` left runs on its own.
    if ((await this.devnet.info()).owner === 'app') await this.devnet.stop();
  }

  private kick(): void {
    if (this.closed) return;
    const counts = this.contributions.counts();
    if (counts.signed + counts.queued + counts.submitted + counts.included === 0) return;
    void this.syncNow();
  }

  private setSync(patch: Partial<SyncStatus>): void {
    this.sync = { ...this.sync, ...patch };
    this.deps.onChange();
  }

  private async pass(): Promise<SyncReport | null> {
    if (!this.wallet.status().unlocked) {
      this.setSync({ state: 'locked', message: 'Unlock the wallet to anchor signed records.' });
      return null;
    }
    this.setSync({ state: 'syncing', message: null });
    let connection: Connection;
    try {
      connection = await this.connect();
    } catch (error) {
      this.setSync({ state: 'offline', message: (error as Error).message, lastSyncAt: Date.now() });
      return null;
    }
    try {
      // The wallet may have locked while connecting (auto-lock, or the user): that is a state, not a failure.
      let signer: ReturnType<typeof this.wallet.signer>;
      try {
        signer = this.wallet.signer(connection.provider);
      } catch {
        this.setSync({ state: 'locked', message: 'Unlock the wallet to anchor signed records.' });
        return null;
      }
      const target = { chainId: connection.chainId, registry: connection.addresses.ContributionRegistry as Hex };
      const confirmations = confirmationsOf(connection.network);
      const provider = connection.provider;
      const engine = new SyncEngine(this.contributions, provider, signer, target, {
        confirmations,
        batchSize: batchSizeOf(connection.network),
        // The app's own devnet (started here or by `studio devnet start`) mines only on a transaction; never an RPC network.
        mine: connection.network.kind === 'devnet' ? (blocks) => mineBlocks(provider, blocks) : undefined,
      });
      const report = await engine.syncOnce();
      if (report.head !== null) this.noteHead(connection.chainId, report.head);
      const state: SyncState = report.problem ? (report.problem.code === 'error' ? 'error' : report.problem.code) : 'idle';
      const message = report.problem?.message ?? (report.head !== null ? this.awaiting(target, report.head, confirmations) : null);
      this.setSync({ state, message, lastSyncAt: Date.now(), lastReport: report });
      return report;
    } finally {
      connection.provider.destroy();
    }
  }

  /**
   * What an idle pass still waits for on the chain: records sent but not yet final. "Up to date"
   * beside them would contradict the records' own states.
   */
  private awaiting(target: SyncTarget, head: number, confirmations: number): string | null {
    const ours = this.contributions.batchesIn(['submitted', 'included']).filter(anchorsOn(target));
    if (ours.length === 0) return null;
    const records = ours.reduce((n, b) => n + b.count, 0);
    const included = ours.filter((b) => b.state === 'included' && b.blockNumber !== null);
    const unmined = ours.filter((b) => b.state === 'submitted').reduce((n, b) => n + b.count, 0);
    const depth = included.length > 0 ? Math.max(0, Math.min(...included.map((b) => head - b.blockNumber! + 1))) : null;
    if (depth === null) return `Waiting for ${counted(records, 'record')} to be included in a block.`;
    const notYet = unmined > 0 ? `; ${unmined} not in a block yet` : '';
    return `Waiting for ${counted(records, 'record')} to be confirmed (${depth} of ${counted(confirmations, 'block')}${notYet}).`;
  }
}

function contractsNotSet(network: { name: string }): ApiFailure {
  return unavailable(`The app's contracts are not set for ${network.name}: enter their addresses in Settings, or deploy them there.`);
}
