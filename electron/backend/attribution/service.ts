/**
 * Attribution of one inference of a registered adapter, and its settlement:
 *
 * attribute: the output (given, or generated now, greedy, with the adapter) is measured against
 * the adapter's training data (method spans: the version's span index; method influence: DataInf
 * scores over the adapter's gradient store; either built inline when missing or stale, as a job
 * that the call awaits), the credits aggregated to
 * the contribution records of the adapter's registered training manifest and to their
 * contributors (settle-shares.ts for spans, influence-payout.ts for influence), the payout list computed for the fee given, and the
 * attribution record (shared/ledger/attribution-record.ts) signed with the unlocked wallet and
 * kept (migration 10).
 *
 * settle: Settlement.pay(adapterHash, sharesRoot, uri) with the fee as value (the owner's part is
 * the contract's to take, at the registration's ownerShareBps; the shares add up to the rest), then
 * the claim file (datanet-studio/claims@1) each contributor imports with `studio rewards import`.
 * A fee other than the record's signs a new record from the same measurement first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Contract, formatEther, getAddress, type InterfaceAbi } from 'ethers';
import { ApiFailure, conflict, unavailable } from '../../../shared/api/errors';
import type { ParsedInput } from '../../../shared/api/contract';
import type { Attribution, RecordEarning } from '../../../shared/api/schemas/attribution';
import {
  ATTRIBUTION_FORMAT,
  ATTRIBUTION_TYPES,
  attributionDomain,
  attributionTypedValue,
  contributorsPart,
  sharesRootOf,
  textHash,
  type AttributionFile,
  type AttributionRecord,
} from '../../../shared/ledger/attribution-record';
import { buildSharesTree, claimsFile } from '../../../shared/ledger/claims';
import type { Hex } from '../../../shared/ledger/eip712';
import type { TrainingManifest } from '../../../shared/ledger/training-manifest';
import { Tokenizers } from './tokenizers';
import type { DatanetService } from '../datanets/service';
import type { InferenceService } from '../inference/service';
import type { JobRunner } from '../jobs/runner';
import { artifact } from '../ledger/artifacts';
import { isInsufficientFunds } from '../ledger/chain-errors';
import { eventsOf, sendTx } from '../ledger/contract-call';
import { selectionOf } from '../ledger/selection';
import type { Connection, LedgerService } from '../ledger/service';
import { ModelRegistrations } from '../models/registration';
import type { ModelsService } from '../models/service';
import type { Db } from '../store/database';
import { makeFolder } from '../store/make-folder';
import { checkOutputTarget, type OutputTarget } from '../store/output-target';
import { influencePayout } from './influence-payout';
import type { InfluenceService } from './influence-store';
import { AttributionStore, newAttributionId, withoutCredits, type AttributionDetail } from './records';
import { spanPayout, type CoveringRecord, type ExampleCredit } from './settle-shares';
import type { SpanIndexService } from './span-index';

type AttributeInput = ParsedInput<'attribution.attribute'>;

export interface AttributionDeps {
  db: Db;
  dataDir: string;
  models: ModelsService;
  datanets: DatanetService;
  jobs: JobRunner;
  ledger: LedgerService;
  inference: Pick<InferenceService, 'generate'>;
  spans: SpanIndexService;
  influence: InfluenceService;
}

const networkName = (c: Connection) => (c.network.kind === 'devnet' ? 'the local devnet' : c.network.name);

/** The claim file a settle writes after the payment: its path is checked before the fee is sent. */
const CLAIMS_TARGET: OutputTarget = { writes: 'file', field: 'out', why: 'the claim file is a file', example: '/home/me/claims.json' };

export class AttributionService {
  readonly store: AttributionStore;
  private readonly registrations: ModelRegistrations;
  private readonly tokenizers = new Tokenizers();

  constructor(private readonly deps: AttributionDeps) {
    this.store = new AttributionStore(deps.db);
    this.registrations = new ModelRegistrations({ db: deps.db, models: deps.models, datanets: deps.datanets, ledger: deps.ledger });
  }

  async attribute(input: AttributeInput): Promise<Attribution> {
    const { models } = this.deps;
    const dirs = models.adapterDirs(input.adapter);
    if (dirs.baseName !== input.model) {
      throw new ApiFailure({ code: 'invalid_input', field: 'adapter', message: `${input.adapter} is an adapter of ${dirs.baseName}, not of ${input.model}.` });
    }
    const { manifest, registration } = await this.registrations.manifest(input.adapter);
    if (!registration) {
      throw conflict(`${input.adapter} is not registered on the configured network: register it first (models.register, or studio adapter register ${input.adapter}), so fees for it can be settled.`);
    }
    this.deps.ledger.wallet.signer(); // locked: say so before measuring anything

    const output = input.output ?? (await this.deps.inference.generate({ model: input.model, adapter: input.adapter, prompt: input.prompt, format: 'instruction', maxTokens: input.maxTokens, temperature: 0 })).text;
    if (output.trim() === '') throw conflict(`${input.adapter} generated an empty output for this prompt: there is nothing to attribute.`);

    const method = input.method ?? (await models.describeAdapter(input.adapter)).attributionMethod;
    const { credits, spans } = method === 'spans' ? await this.measureSpans(input.model, manifest, output) : await this.measureInfluence(input.adapter, input.prompt, output);

    const c = await this.deps.ledger.connect();
    try {
      const id = newAttributionId();
      const priced = this.price(method, credits, manifest, BigInt(input.feeWei), registration.ownerShareBps, input.top);
      const { record, signature } = await this.sign(c, {
        adapterHash: manifest.adapter.hash as Hex,
        queryHash: textHash(input.prompt),
        outputHash: textHash(output),
        method,
        sharesRoot: sharesRootOf(priced.shares),
        totalFee: input.feeWei,
        ownerShareBps: registration.ownerShareBps,
      });
      this.store.insert({ id, chainId: c.chainId, settlement: c.addresses.Settlement, adapter: input.adapter, record, signature, detail: { prompt: input.prompt, output, spans, credits, ...priced } });
      return this.get(id);
    } finally {
      c.provider.destroy();
    }
  }

  get(id: string): Attribution {
    return withoutCredits(this.store.get(id));
  }

  list(): Attribution[] {
    return this.store.list();
  }

  /** Per contribution record, the wei its settled attributions paid (an unsettled attribution pays nothing yet). */
  earnings(): RecordEarning[] {
    const by = new Map<string, { wei: bigint; payments: number }>();
    for (const a of this.store.list()) {
      if (a.paymentId === null) continue;
      for (const part of a.contributors) {
        for (const r of part.records) {
          const e = by.get(r.recordId) ?? { wei: 0n, payments: 0 };
          e.wei += BigInt(r.amount);
          e.payments += 1;
          by.set(r.recordId, e);
        }
      }
    }
    return [...by].filter(([, e]) => e.wei > 0n).map(([recordId, e]) => ({ recordId, wei: e.wei.toString(), payments: e.payments }));
  }

  /** The record as a file anyone can check (studio verify). */
  export(id: string): AttributionFile {
    const a = this.store.get(id);
    return {
      format: ATTRIBUTION_FORMAT,
      domain: attributionDomain(a.chainId, getAddress(a.settlement) as Hex),
      record: a.record,
      signature: a.signature,
      prompt: a.prompt,
      output: a.output,
      shares: a.shares,
    };
  }

  async settle(id: string, feeWei: string, out?: string): Promise<{ attribution: Attribution; paymentId: string; txHash: string; claimsFile: string }> {
    let a = this.store.get(id);
    if (a.paymentId !== null) throw conflict(`Attribution ${id} was settled already: payment ${a.paymentId} (tx ${a.settleTx}); its claim file is ${a.claimsFile}.`);
    if (out !== undefined) checkOutputTarget(out, CLAIMS_TARGET); // a path that cannot be written costs nothing: refused before the fee is sent
    const c = await this.deps.ledger.connect();
    try {
      if (c.chainId !== a.chainId || c.addresses.Settlement.toLowerCase() !== a.settlement) {
        throw conflict(`Attribution ${id} was signed for chain ${a.chainId} (Settlement ${getAddress(a.settlement)}); the network in Settings is ${networkName(c)}, chain ${c.chainId}: switch back to settle it.`);
      }
      const signer = this.deps.ledger.wallet.signer(c.provider);
      if (a.record.totalFee !== feeWei) {
        const { manifest } = await this.registrations.manifest(a.adapter);
        const priced = this.price(a.record.method, a.credits, manifest, BigInt(feeWei), a.record.ownerShareBps, a.topExamples.length);
        const { record, signature } = await this.sign(c, { ...(a.record as AttributionRecord), sharesRoot: sharesRootOf(priced.shares), totalFee: feeWei });
        const detail: AttributionDetail = { prompt: a.prompt, output: a.output, spans: a.spans, credits: a.credits, ...priced };
        this.store.reprice(id, record, signature, detail);
        a = this.store.get(id);
      }
      if (a.shares.length === 0) {
        throw conflict(`No contributor's data shows in attribution ${id}'s output (no credited example is covered by a contribution record of the manifest), so there are no shares to pay. Nothing was sent.`);
      }
      const settlement = new Contract(c.addresses.Settlement, artifact('Settlement').abi as InterfaceAbi, signer);
      let receipt;
      try {
        receipt = await sendTx(settlement, 'pay', [a.record.adapterHash, a.record.sharesRoot, `studio-attribution:${id}`], { value: BigInt(feeWei) });
      } catch (error) {
        if (isInsufficientFunds(error)) throw conflict(`The wallet ${signer.address} holds too little to pay a fee of ${formatEther(BigInt(feeWei))} (${feeWei} wei) and its gas on ${networkName(c)}. Nothing was sent.`);
        throw unavailable(`Settlement.pay on ${networkName(c)} failed: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`);
      }
      const paid = eventsOf(settlement, receipt).find((e) => e.name === 'FeePaid');
      if (!paid) throw unavailable(`Settlement.pay's transaction ${receipt.hash} has no FeePaid event.`);
      const paymentId = String(paid.args.paymentId);
      const file = claimsFile({ chainId: c.chainId, settlement: getAddress(c.addresses.Settlement), payments: [{ paymentId, tree: buildSharesTree(a.shares) }] });
      const where = path.resolve(out ?? path.join(this.deps.dataDir, 'attribution', 'claims', `${id}-payment-${paymentId}.json`));
      makeFolder(path.dirname(where));
      fs.writeFileSync(where, `${JSON.stringify(file, null, 2)}\n`);
      this.store.settled(id, paymentId, receipt.hash, where);
      return { attribution: this.get(id), paymentId, txHash: receipt.hash, claimsFile: where };
    } finally {
      c.provider.destroy();
    }
  }

  private async measureSpans(model: string, manifest: TrainingManifest, output: string): Promise<{ credits: ExampleCredit[]; spans: AttributionDetail['spans'] }> {
    const target = { datanet: manifest.datanet.localId, version: manifest.datanet.version, model };
    await this.ensureSpanIndex(target);
    const tokenizer = await this.tokenizers.get(this.deps.models.modelDir(model));
    const measured = await this.deps.spans.attributeSpans(target, tokenizer.encode(output));
    return {
      credits: measured.records.map((r) => ({ id: r.id, position: r.position, credit: r.credit })),
      spans: measured.spans.map((s) => ({ start: s.start, length: s.length, text: s.text })),
    };
  }

  /** DataInf's score of every training example (what influence pays by); the gradient store built now (a job, awaited) when missing or stale. */
  private async measureInfluence(adapter: string, prompt: string, output: string): Promise<{ credits: ExampleCredit[]; spans: AttributionDetail['spans'] }> {
    const info = await this.deps.influence.info(adapter);
    if (!info.built || info.stale) {
      const job = this.deps.influence.startBuild(adapter);
      const done = await this.deps.jobs.settled(job.id);
      if (done.state !== 'succeeded') throw unavailable(`Building ${adapter}'s gradient store (job ${job.id}) ended ${done.state}${done.state === 'failed' ? `: ${done.error}` : ''}.`);
    }
    const measured = await this.deps.influence.attributeInfluence({ adapter, prompt, output, topK: 1 });
    return { credits: measured.scores.map((e) => ({ id: e.id, position: e.position, credit: e.datainf })), spans: [] };
  }

  /** The span index of the manifest's version, built now (a job, awaited) when missing. */
  private async ensureSpanIndex(target: { datanet: string; version: number; model: string }): Promise<void> {
    const info = this.deps.spans.info(target);
    if (info.meta) return;
    const job = this.deps.spans.startBuild(target);
    const done = await this.deps.jobs.settled(job.id);
    if (done.state !== 'succeeded') throw unavailable(`Building the span index of version ${info.versionNumber} (job ${job.id}) ended ${done.state}${done.state === 'failed' ? `: ${done.error}` : ''}.`);
  }

  private price(method: AttributionRecord['method'], credits: readonly ExampleCredit[], manifest: TrainingManifest, fee: bigint, ownerShareBps: number, top: number): Pick<AttributionDetail, 'topExamples' | 'contributors' | 'shares'> {
    const covering: CoveringRecord[] = manifest.entries.map((e) => {
      const selection = selectionOf(this.deps.db, e.recordId);
      return { recordId: e.recordId, contributor: e.contributor.toLowerCase(), positions: selection ? new Set(selection.positions) : null };
    });
    const part = contributorsPart(fee, ownerShareBps);
    const payout = method === 'spans' ? spanPayout(credits, covering, part) : influencePayout(credits.map((c) => ({ id: c.id, position: c.position, score: c.credit })), covering, part);
    const topExamples = [...credits]
      .sort((x, y) => y.credit - x.credit || (x.id < y.id ? -1 : 1))
      .slice(0, top)
      .map((x) => {
        const at = x.id.lastIndexOf('@');
        return { itemId: x.id.slice(0, at), position: x.position, score: x.credit, records: payout.covering.get(x.id) ?? [] };
      });
    return {
      topExamples,
      contributors: payout.contributors.map((p) => ({
        contributor: getAddress(p.contributor),
        score: p.score,
        amount: p.amount.toString(),
        records: p.records.map((r) => ({ recordId: r.recordId, score: r.score, amount: r.amount.toString() })),
      })),
      shares: payout.shares.map((s) => ({ account: s.account, amount: s.amount.toString() })),
    };
  }

  private async sign(c: Connection, fields: Omit<AttributionRecord, 'server' | 'nonce' | 'createdAt'>): Promise<{ record: AttributionRecord; signature: string }> {
    const signer = this.deps.ledger.wallet.signer();
    const server = signer.address.toLowerCase() as Hex;
    const record: AttributionRecord = { ...fields, server, nonce: String(this.store.nextNonce(server)), createdAt: Math.floor(Date.now() / 1000) };
    const domain = attributionDomain(c.chainId, getAddress(c.addresses.Settlement) as Hex);
    const signature = await signer.signTypedData(domain, ATTRIBUTION_TYPES, attributionTypedValue(record));
    return { record, signature };
  }
}
