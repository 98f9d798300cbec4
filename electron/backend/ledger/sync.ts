// The outbox sync engine: anchors signed records in batches (one Merkle root, one transaction) and
// follows each batch until it is final. Every pass starts from what the database and the chain
// say, never from memory, so a crash, a restarted node, a dropped or replaced transaction, or a
// reorg is handled by the same code: ask the chain, then move the batch on.
import { Contract, type InterfaceAbi, type JsonRpcProvider, type Signer, type TransactionResponse } from 'ethers';
import { ZERO_BYTES32, idKey } from '../../../shared/ledger/contribution-record';
import type { Hex } from '../../../shared/ledger/eip712';
import { buildTree, fromHex, proofFromNodes, standardLeaf, toHex } from '../../../shared/merkle';
import { artifact } from './artifacts';
import { isInsufficientFunds, isUnreachable } from './chain-errors';
import { callView } from './contract-call';
import { inTxLane } from './tx-lane';
import type { Batch, Contributions } from './contributions';

export interface SyncTarget {
  chainId: number;
  registry: Hex;
}

/** Whether a batch anchors on this chain's registry (the outbox holds batches of other networks too). */
export const anchorsOn = (target: SyncTarget) => (batch: Batch) => batch.chainId === target.chainId && batch.registry === target.registry;

export interface SyncOptions {
  /** Records per batch (and per transaction). */
  batchSize?: number;
  /** Blocks on top of the including block (itself counted) before a batch is final. */
  confirmations?: number;
  /** A transaction pending longer than this is replaced with the same nonce and higher fees. */
  stuckMs?: number;
  now?: () => number;
  /**
   * Mines that many empty blocks. Only for the app's own devnet, which makes a block only when a
   * transaction arrives (anvil's automine): there a batch would never gather its depth while
   * nothing else happens, so a pass mines the blocks its batches still lack. Never set for a
   * real network.
   */
  mine?: (blocks: number) => Promise<void>;
}

export interface SyncReport {
  online: boolean;
  /** Why not online, or what stopped the pass (insufficient funds, wrong chain). */
  problem: { code: 'offline' | 'wrong_chain' | 'insufficient_funds' | 'error'; message: string } | null;
  head: number | null;
  sent: number;
  included: number;
  confirmed: number;
  requeued: number;
}

export class InsufficientFundsError extends Error {
  constructor(address: string, cause: unknown) {
    super(`The wallet ${address} has too little of the chain's native token to pay for anchoring. Fund it (on the devnet: the faucet), then sync again; every record stays in the outbox.`, { cause });
    this.name = 'InsufficientFundsError';
  }
}

export class SyncEngine {
  private readonly registry: Contract;
  private readonly batchSize: number;
  private readonly confirmations: number;
  private readonly stuckMs: number;
  private readonly now: () => number;
  private readonly mine: ((blocks: number) => Promise<void>) | null;

  constructor(
    private readonly store: Contributions,
    private readonly provider: JsonRpcProvider,
    private readonly signer: Signer,
    private readonly target: SyncTarget,
    options: SyncOptions = {},
  ) {
    this.registry = new Contract(target.registry, artifact('ContributionRegistry').abi as InterfaceAbi, signer);
    this.batchSize = options.batchSize ?? 1000;
    this.confirmations = Math.max(1, options.confirmations ?? 1);
    this.stuckMs = options.stuckMs ?? 3 * 60_000;
    this.now = options.now ?? Date.now;
    this.mine = options.mine ?? null;
  }

  /** One pass: follow what is in flight, then anchor what waits. Never throws for the network's sake. */
  async syncOnce(): Promise<SyncReport> {
    const report: SyncReport = { online: false, problem: null, head: null, sent: 0, included: 0, confirmed: 0, requeued: 0 };
    try {
      const chainId = Number(await this.provider.send('eth_chainId', []));
      if (chainId !== this.target.chainId) {
        report.problem = { code: 'wrong_chain', message: `The RPC serves chain ${chainId}, but these records were signed for chain ${this.target.chainId}.` };
        return report;
      }
      report.online = true;
      report.head = await this.provider.getBlockNumber();
      for (const batch of this.store.batchesIn(['submitted', 'included'])) await this.follow(batch, report.head, report);
      for (const batch of this.store.batchesIn(['built']).filter(anchorsOn(this.target))) await this.send(batch, report);
      for (;;) {
        const waiting = this.store.waiting(this.target.chainId, this.target.registry, this.batchSize);
        if (waiting.length === 0) break;
        const digests = waiting.map((c) => fromHex(c.digest));
        const tree = buildTree(digests.map(standardLeaf));
        const root = toHex(tree.root) as Hex;
        const batch = this.store.createBatch(
          { root, chainId: this.target.chainId, registry: this.target.registry },
          waiting.map((c, i) => ({ recordId: c.recordId, proof: proofFromNodes(tree.nodes, i).map((p) => toHex(p) as Hex) })),
        );
        await this.send(batch, report);
        if (waiting.length < this.batchSize) break;
      }
      if (this.mine) await this.mineToDepth(report);
    } catch (error) {
      report.online = report.online && !isUnreachable(error);
      if (error instanceof InsufficientFundsError) report.problem = { code: 'insufficient_funds', message: error.message };
      else if (isUnreachable(error)) report.problem = { code: 'offline', message: 'The ledger node cannot be reached; records wait in the outbox.' };
      else report.problem = { code: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    return report;
  }

  /**
   * On the devnet: follows the batches sent in this pass into their blocks, mines the blocks the
   * least deep of this chain's included batches still lacks (no more: the devnet's state file
   * keeps every block), and follows them again, so they are final in this same pass.
   */
  private async mineToDepth(report: SyncReport): Promise<void> {
    const ours = anchorsOn(this.target);
    for (const batch of this.store.batchesIn(['submitted']).filter(ours)) await this.follow(batch, report.head!, report);
    const included = this.store.batchesIn(['included']).filter(ours);
    if (included.length === 0) return;
    let head = await this.provider.getBlockNumber();
    const lacking = Math.max(...included.map((b) => this.confirmations - (head - b.blockNumber! + 1)));
    if (lacking > 0) {
      await this.mine!(lacking);
      head = await this.provider.getBlockNumber();
    }
    report.head = head;
    for (const batch of included) await this.follow(batch, head, report);
  }

  /** Where the chain has this root anchored, if anywhere. */
  private async anchoredAt(root: Hex): Promise<number> {
    const [blockNumber] = await callView<[bigint, bigint, string]>(this.registry, 'batch', root);
    return Number(blockNumber);
  }

  private async markIncluded(batch: Batch, blockNumber: number, report: SyncReport): Promise<void> {
    const block = await this.provider.getBlock(blockNumber);
    if (!block?.hash) return; // the node does not have it yet: next pass
    this.store.updateBatch(batch.root, { state: 'included', blockNumber, blockHash: block.hash as Hex, error: null });
    report.included++;
  }

  private async follow(batch: Batch, head: number, report: SyncReport): Promise<void> {
    if (batch.state === 'submitted') {
      const receipt = batch.txHash ? await this.provider.getTransactionReceipt(batch.txHash) : null;
      if (receipt && receipt.status === 1) return this.markIncluded(batch, receipt.blockNumber, report);
      const pending = batch.txHash && !receipt ? await this.provider.getTransaction(batch.txHash) : null;
      if (pending && pending.blockNumber === null) {
        if (this.now() - batch.updatedAt > this.stuckMs) await this.replace(batch, pending, report);
        return;
      }
      // Reverted, dropped, replaced by another transaction, or forgotten by a restarted node:
      // the chain decides whether the root is anchored.
      const at = await this.anchoredAt(batch.root);
      if (at > 0) return this.markIncluded(batch, at, report);
      this.store.updateBatch(batch.root, { state: 'built', txHash: null, blockNumber: null, blockHash: null, error: receipt ? 'The anchoring transaction reverted; sending again.' : 'The anchoring transaction was dropped; sending again.' });
      report.requeued += batch.count;
      return;
    }
    // Included: still on the canonical chain?
    const block = batch.blockNumber !== null ? await this.provider.getBlock(batch.blockNumber) : null;
    if (!block || block.hash !== batch.blockHash) {
      const at = await this.anchoredAt(batch.root);
      if (at > 0) return this.markIncluded(batch, at, report); // re-mined elsewhere by the reorg
      this.store.updateBatch(batch.root, { state: 'built', txHash: null, blockNumber: null, blockHash: null, error: 'A chain reorganisation removed the anchoring block; anchoring again.' });
      report.requeued += batch.count;
      return;
    }
    if (head - batch.blockNumber! + 1 >= this.confirmations) {
      this.store.updateBatch(batch.root, { state: 'confirmed' });
      report.confirmed += batch.count;
    }
  }

  private async send(batch: Batch, report: SyncReport): Promise<void> {
    // Never anchor a root twice: an earlier send may have landed after all.
    const at = await this.anchoredAt(batch.root);
    if (at > 0) return this.markIncluded(batch, at, report);
    const members = this.store.inBatch(batch.root);
    const datanets = new Set(members.map((m) => m.datanetId));
    const datanetKey = datanets.size === 1 ? idKey([...datanets][0]!) : ZERO_BYTES32;
    let tx: TransactionResponse;
    try {
      tx = await inTxLane(this.signer, () => this.registry.getFunction('anchor').send(datanetKey, batch.root, batch.count, ''));
    } catch (error) {
      if (isInsufficientFunds(error)) {
        const address = await this.signer.getAddress();
        const problem = new InsufficientFundsError(address, error);
        this.store.updateBatch(batch.root, { error: problem.message, attempt: true });
        throw problem;
      }
      this.store.updateBatch(batch.root, { error: error instanceof Error ? error.message : String(error), attempt: true });
      throw error;
    }
    this.store.updateBatch(batch.root, { state: 'submitted', txHash: tx.hash as Hex, nonce: tx.nonce, error: null, attempt: true });
    report.sent++;
  }

  /**
   * Same nonce, same call, fees raised by a quarter (nodes want at least 10% to accept a
   * replacement). The gas limit is the pending one's: estimating would run against a pending
   * state that already holds this anchor, and revert.
   */
  private async replace(batch: Batch, pending: TransactionResponse, report: SyncReport): Promise<void> {
    const bump = (v: bigint | null) => (v === null ? undefined : (v * 125n) / 100n);
    const tx = await this.signer.sendTransaction({
      to: pending.to,
      data: pending.data,
      nonce: pending.nonce,
      gasLimit: pending.gasLimit,
      maxFeePerGas: bump(pending.maxFeePerGas),
      maxPriorityFeePerGas: bump(pending.maxPriorityFeePerGas),
      gasPrice: pending.maxFeePerGas === null ? bump(pending.gasPrice) : undefined,
    });
    this.store.updateBatch(batch.root, { state: 'submitted', txHash: tx.hash as Hex, nonce: tx.nonce, error: null, attempt: true });
    report.sent++;
  }
}
