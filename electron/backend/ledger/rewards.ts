// The contributor's side of Settlement's pull payments: claim files imported (every proof checked
// against its payment's shares root on chain), the shares of this wallet listed as the chain sees
// them, and one share claimed with the unlocked wallet. Whoever settles publishes the shares; the
// app never invents any (shared/ledger/claims.ts, shared/ledger/README.md).
import { Contract, formatEther, getAddress, type InterfaceAbi } from 'ethers';
import { ApiFailure, conflict, notFound, unavailable } from '../../../shared/api/errors';
import type { Reward } from '../../../shared/api/schemas/rewards';
import { claimLeadsTo, parseClaimsFile, type Claim } from '../../../shared/ledger/claims';
import type { Hex } from '../../../shared/ledger/eip712';
import type { Db } from '../store/database';
import { isInsufficientFunds } from './chain-errors';
import { artifact } from './artifacts';
import { callView, sendTx } from './contract-call';
import type { Connection, LedgerService } from './service';
import { counted } from '../../../shared/format';

interface Row {
  chain_id: number;
  settlement: string;
  payment_id: string;
  idx: number;
  account: string;
  amount: string;
  proof: string;
  claim_tx: string | null;
  imported_at: number;
}

interface OnChainPayment {
  adapterHash: string;
  sharesRoot: string;
  contributorsPart: bigint;
  claimed: bigint;
}

const invalidFile = (message: string) => new ApiFailure({ code: 'invalid_input', field: 'file', message });

/** One readable line: ethers' short message (its full one carries the raw transaction). */
function brief(error: unknown): string {
  const e = (error ?? {}) as { shortMessage?: unknown; message?: unknown };
  return typeof e.shortMessage === 'string' ? e.shortMessage : String(e.message ?? error);
}

/** The custom error a Settlement call reverted with, by name, when the error carries revert data. */
function revertOf(settlement: Contract, error: unknown): { name: string; args: readonly unknown[] } | null {
  const data = (error as { data?: unknown; info?: { error?: { data?: unknown } } } | null)?.data ?? (error as { info?: { error?: { data?: unknown } } } | null)?.info?.error?.data;
  if (typeof data !== 'string' || data.length < 10) return null;
  try {
    const parsed = settlement.interface.parseError(data);
    return parsed ? { name: parsed.name, args: [...parsed.args] } : null;
  } catch {
    return null;
  }
}

export class Rewards {
  constructor(
    private readonly db: Db,
    private readonly ledger: Pick<LedgerService, 'connect' | 'wallet'>,
  ) {}

  /** Checks a claim file against the current network and keeps the claims paid to this wallet. */
  async import(text: string): Promise<{ checked: number; mine: number; payments: string[] }> {
    let file;
    try {
      file = parseClaimsFile(text);
    } catch (error) {
      throw invalidFile((error as Error).message);
    }
    const address = this.address();
    const claims = file.claims.map((c, i) => ({ ...c, account: normalizeAddress(c.account, `claims.${i}.account`) }));
    const mine = claims.filter((c) => c.account === address);
    if (mine.length === 0) throw invalidFile(`has ${counted(claims.length, 'claim')}, none paid to this wallet's address ${getAddress(address)}: it was made for other contributors`);

    const c = await this.ledger.connect();
    try {
      const settlement = this.settlementOf(c);
      if (file.chainId !== c.chainId) {
        throw invalidFile(`is for chain ${file.chainId}, but the network in Settings (${networkName(c)}) is chain ${c.chainId}: switch the network in Settings, or ask the settler for the file of this chain`);
      }
      const ours = c.addresses.Settlement.toLowerCase();
      if (file.settlement.toLowerCase() !== ours) {
        throw invalidFile(`is for the Settlement contract at ${file.settlement}, but the one on ${networkName(c)} is at ${getAddress(ours)}: the file belongs to another deployment`);
      }
      const payments = new Map<string, OnChainPayment>();
      const seen = new Map<string, string>();
      for (const [i, claim] of claims.entries()) {
        const where = `has claims.${i} (payment ${claim.paymentId}, index ${claim.index})`;
        const key = `${claim.paymentId}/${claim.index}`;
        const fingerprint = `${claim.account}/${claim.amount}`;
        if (seen.has(key) && seen.get(key) !== fingerprint) throw invalidFile(`${where} twice, with different accounts or amounts: a payment's index names one share`);
        seen.set(key, fingerprint);
        const payment = payments.get(claim.paymentId) ?? (await this.payment(settlement, claim.paymentId, c));
        if (!payment) throw invalidFile(`${where}, but payment ${claim.paymentId} does not exist on ${networkName(c)} (chain ${c.chainId}). Nothing was imported`);
        payments.set(claim.paymentId, payment);
        if (!claimLeadsTo(claim, payment.sharesRoot)) {
          throw invalidFile(
            `${where} whose proof of ${claim.amount} wei to ${getAddress(claim.account)} does not lead to the payment's shares root ${payment.sharesRoot}: it was altered or made for another payment. Nothing was imported`,
          );
        }
      }
      this.store(c, mine);
      return { checked: claims.length, mine: mine.length, payments: [...payments.keys()] };
    } finally {
      c.provider.destroy();
    }
  }

  /** This wallet's imported shares, each as the chain sees it now. Nothing imported: no network asked. */
  async list(): Promise<Reward[]> {
    const address = this.ledger.wallet.status().address?.toLowerCase();
    if (!address) return [];
    const rows = this.db.prepare('SELECT * FROM reward_claims WHERE account = ? ORDER BY imported_at DESC, chain_id, settlement, CAST(payment_id AS INTEGER), idx').all(address) as Row[];
    if (rows.length === 0) return [];
    const c = await this.ledger.connect();
    try {
      const settlement = this.settlementOf(c);
      // Read once per payment, however many of its shares this wallet holds.
      const payments = new Map<string, { payment: OnChainPayment | null; about: Partial<Reward> }>();
      const out: Reward[] = [];
      for (const row of rows) {
        const base = toReward(row);
        if (row.chain_id !== c.chainId || row.settlement !== c.addresses.Settlement.toLowerCase()) {
          out.push({ ...base, state: 'invalid', reason: `A share on chain ${row.chain_id} (Settlement ${getAddress(row.settlement)}); the network in Settings is ${networkName(c)}, chain ${c.chainId}: switch to that network to claim it.` });
          continue;
        }
        let known = payments.get(row.payment_id);
        if (!known) {
          const payment = await this.payment(settlement, row.payment_id, c);
          const about = payment ? { adapterHash: payment.adapterHash.toLowerCase(), adapter: this.adapterName(c, payment.adapterHash), paidAt: await this.paidAt(settlement, row.payment_id, c) } : {};
          known = { payment, about };
          payments.set(row.payment_id, known);
        }
        out.push({ ...base, ...known.about, ...(await this.judge(settlement, row, known.payment)) });
      }
      return out;
    } finally {
      c.provider.destroy();
    }
  }

  /** Sends Settlement.claim for one imported share with the unlocked wallet; the share goes to its account. */
  async claim(paymentId: string, index: number): Promise<{ txHash: string; amount: string; formatted: string; balance: string; balanceFormatted: string }> {
    const address = this.address();
    this.ledger.wallet.signer(); // locked: say so before asking the network anything
    const c = await this.ledger.connect();
    try {
      const row = this.db
        .prepare('SELECT * FROM reward_claims WHERE chain_id = ? AND settlement = ? AND payment_id = ? AND idx = ? AND account = ?')
        .get(c.chainId, c.addresses.Settlement.toLowerCase(), paymentId, index, address) as Row | undefined;
      if (!row) throw notFound(`No imported share ${index} of payment ${paymentId} for ${getAddress(address)} on ${networkName(c)}: import its claim file first.`);
      const signer = this.ledger.wallet.signer(c.provider);
      const settlement = this.settlementOf(c, signer);
      const verdict = await this.judge(settlement, row, await this.payment(settlement, paymentId, c));
      if (verdict.state === 'claimed') throw conflict(`Share ${index} of payment ${paymentId} was already claimed: its ${formatEther(row.amount)} went to ${getAddress(row.account)}. Nothing was sent.`);
      if (verdict.state === 'invalid') throw conflict(`Share ${index} of payment ${paymentId} cannot be claimed: ${verdict.reason} Nothing was sent.`);
      let txHash: string;
      try {
        const receipt = await sendTx(settlement, 'claim', [BigInt(paymentId), index, row.account, BigInt(row.amount), JSON.parse(row.proof) as string[]]);
        txHash = receipt.hash;
      } catch (error) {
        throw this.claimFailure(settlement, error, row, c);
      }
      this.db.prepare('UPDATE reward_claims SET claim_tx = ? WHERE chain_id = ? AND settlement = ? AND payment_id = ? AND idx = ?').run(txHash, row.chain_id, row.settlement, row.payment_id, row.idx);
      const balance = await c.provider.getBalance(getAddress(address));
      return { txHash, amount: row.amount, formatted: formatEther(row.amount), balance: balance.toString(), balanceFormatted: formatEther(balance) };
    } finally {
      c.provider.destroy();
    }
  }

  private address(): string {
    const address = this.ledger.wallet.status().address;
    if (!address) throw notFound('There is no wallet yet: create or import one first; rewards are paid to its address.');
    return address.toLowerCase();
  }

  private settlementOf(c: Connection, runner: Contract['runner'] = c.provider): Contract {
    return new Contract(c.addresses.Settlement, artifact('Settlement').abi as InterfaceAbi, runner);
  }

  /** The payment on chain; null when the chain has no such payment (another chain, a devnet reset). */
  private async payment(settlement: Contract, paymentId: string, c: Connection): Promise<OnChainPayment | null> {
    try {
      const p = await callView<OnChainPayment>(settlement, 'payment', BigInt(paymentId));
      return { adapterHash: p.adapterHash, sharesRoot: p.sharesRoot, contributorsPart: p.contributorsPart, claimed: p.claimed };
    } catch (error) {
      if (revertOf(settlement, error)?.name === 'UnknownPayment') return null;
      throw unavailable(`Could not read payment ${paymentId} from the Settlement contract on ${networkName(c)}: ${brief(error)}`);
    }
  }

  /** When the payment was made: its FeePaid event's block time (ms); null when the node will not say (a node that limits log queries). */
  private async paidAt(settlement: Contract, paymentId: string, c: Connection): Promise<number | null> {
    try {
      const [log] = await settlement.queryFilter(settlement.filters.FeePaid!(BigInt(paymentId)), 0);
      if (!log) return null;
      const block = await c.provider.getBlock(log.blockNumber);
      return block ? block.timestamp * 1000 : null;
    } catch {
      return null;
    }
  }

  /** The name of the adapter a payment was for, when it was registered from this app on this network; null otherwise. */
  private adapterName(c: Connection, adapterHash: string): string | null {
    const row = this.db
      .prepare('SELECT adapter_name FROM model_registrations WHERE chain_id = ? AND model_registry = ? AND adapter_hash = ? ORDER BY registered_at DESC LIMIT 1')
      .get(c.chainId, c.addresses.ModelRegistry.toLowerCase(), adapterHash.toLowerCase()) as { adapter_name: string } | undefined;
    return row?.adapter_name ?? null;
  }

  /** claimed / invalid (with why) / claimable, from the chain's payment and claimed bitmap. */
  private async judge(settlement: Contract, row: Row, payment: OnChainPayment | null): Promise<Pick<Reward, 'state' | 'reason'>> {
    if (!payment) return { state: 'invalid', reason: `Payment ${row.payment_id} does not exist on this chain (a devnet that was reset forgets its payments).` };
    if (await callView<boolean>(settlement, 'isClaimed', BigInt(row.payment_id), row.idx)) return { state: 'claimed', reason: null };
    if (!claimLeadsTo(claimOf(row), payment.sharesRoot)) return { state: 'invalid', reason: `Its proof does not lead to the payment's shares root ${payment.sharesRoot}.` };
    const left = payment.contributorsPart - payment.claimed;
    if (BigInt(row.amount) > left) {
      return { state: 'invalid', reason: `Only ${formatEther(left)} of the payment's contributors' part is left, less than this share: the settler's shares add up to more than was paid.` };
    }
    return { state: 'claimable', reason: null };
  }

  /** A refused claim in words: gas, or the contract's own reason. */
  private claimFailure(settlement: Contract, error: unknown, row: Row, c: Connection): ApiFailure {
    if (isInsufficientFunds(error)) {
      return conflict(
        `The wallet ${getAddress(row.account)} has too little of ${networkName(c)}'s native token to pay the claim's gas. Fund it (on the devnet: the faucet on the Wallet page or \`studio wallet fund\`), then claim again.`,
      );
    }
    const revert = revertOf(settlement, error);
    const share = `Share ${row.idx} of payment ${row.payment_id}`;
    switch (revert?.name) {
      case 'AlreadyClaimed':
        return conflict(`${share} was already claimed (just now, by another transaction). Nothing more was sent.`);
      case 'InvalidProof':
        return conflict(`${share}: the contract refused the proof (InvalidProof); it does not lead to the payment's shares root.`);
      case 'ExceedsContributorsPart':
        return conflict(`${share}: less of the payment's contributors' part is left than this share (ExceedsContributorsPart).`);
      case 'UnknownPayment':
        return conflict(`Payment ${row.payment_id} does not exist on ${networkName(c)} (UnknownPayment).`);
      default:
        return unavailable(`The claim of ${share.toLowerCase()} failed: ${brief(error)}`);
    }
  }

  private store(c: Connection, claims: readonly Claim[]): void {
    const upsert = this.db.prepare(`
      INSERT INTO reward_claims (chain_id, settlement, payment_id, idx, account, amount, proof, claim_tx, imported_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)
      ON CONFLICT (chain_id, settlement, payment_id, idx) DO UPDATE SET account = excluded.account, amount = excluded.amount, proof = excluded.proof, imported_at = excluded.imported_at
    `);
    const now = Date.now();
    this.db.transaction(() => {
      for (const claim of claims) upsert.run(c.chainId, c.addresses.Settlement.toLowerCase(), claim.paymentId, claim.index, claim.account, claim.amount, JSON.stringify(claim.proof.map((p) => p.toLowerCase())), now);
    })();
  }
}

function claimOf(row: Row): Pick<Claim, 'index' | 'account' | 'amount' | 'proof'> {
  return { index: row.idx, account: row.account, amount: row.amount, proof: JSON.parse(row.proof) as string[] };
}

function toReward(row: Row): Reward {
  return {
    paymentId: row.payment_id,
    index: row.idx,
    account: getAddress(row.account),
    chainId: row.chain_id,
    settlement: getAddress(row.settlement),
    amount: row.amount,
    formatted: formatEther(row.amount),
    state: 'claimable',
    reason: null,
    claimTx: row.claim_tx,
    importedAt: row.imported_at,
    adapterHash: null,
    adapter: null,
    paidAt: null,
  };
}

function networkName(c: Connection): string {
  return c.network.kind === 'devnet' ? 'the local devnet' : c.network.name;
}

/** Lowercase; a mixed-case address must carry a right EIP-55 checksum (a typo is caught, not paid). */
function normalizeAddress(address: string, where: string): Hex {
  try {
    return getAddress(address).toLowerCase() as Hex;
  } catch {
    throw invalidFile(`has ${where} ${address} with a wrong checksum (EIP-55 mixed case): it was mistyped or altered`);
  }
}
