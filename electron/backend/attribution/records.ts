/**
 * The attributions table (migration 10): signed attribution records with what they commit to by
 * hash, and their settlement once paid.
 */
import { randomBytes } from 'node:crypto';
import type { Attribution } from '../../../shared/api/schemas/attribution';
import type { AttributionRecord } from '../../../shared/ledger/attribution-record';
import { notFound } from '../../../shared/api/errors';
import type { Db } from '../store/database';
import type { ExampleCredit } from './settle-shares';

/** What the row keeps beside the record: the measurement, so a new fee can be priced from it. */
export interface AttributionDetail {
  prompt: string;
  output: string;
  topExamples: Attribution['topExamples'];
  contributors: Attribution['contributors'];
  shares: Attribution['shares'];
  spans: Attribution['spans'];
  credits: ExampleCredit[];
}

interface Row {
  id: string;
  chain_id: number;
  settlement: string;
  adapter_name: string;
  record: string;
  signature: string;
  detail: string;
  payment_id: string | null;
  settle_tx: string | null;
  claims_file: string | null;
  created_at: number;
}

export function newAttributionId(): string {
  return `att_${randomBytes(12).toString('hex')}`;
}

function toAttribution(r: Row): Attribution & { credits: ExampleCredit[] } {
  const { prompt, output, topExamples, contributors, shares, spans, credits } = JSON.parse(r.detail) as AttributionDetail;
  return {
    id: r.id,
    adapter: r.adapter_name,
    chainId: r.chain_id,
    settlement: r.settlement,
    record: JSON.parse(r.record) as AttributionRecord,
    signature: r.signature,
    prompt,
    output,
    topExamples,
    contributors,
    shares,
    spans,
    credits,
    paymentId: r.payment_id,
    settleTx: r.settle_tx,
    claimsFile: r.claims_file,
    createdAt: r.created_at,
  };
}

/** The API's shape: the credits stay in the database. */
export function withoutCredits(a: Attribution & { credits: ExampleCredit[] }): Attribution {
  const out: Partial<typeof a> = { ...a };
  delete out.credits;
  return out as Attribution;
}

export class AttributionStore {
  constructor(private readonly db: Db) {}

  /** The next nonce of a server: one more than the highest it signed here. */
  nextNonce(server: string): number {
    const row = this.db.prepare('SELECT max(nonce) AS n FROM attributions WHERE server = ?').get(server.toLowerCase()) as { n: number | null };
    return (row.n ?? 0) + 1;
  }

  insert(a: { id: string; chainId: number; settlement: string; adapter: string; record: AttributionRecord; signature: string; detail: AttributionDetail }): void {
    this.db
      .prepare(
        `INSERT INTO attributions (id, chain_id, settlement, adapter_name, adapter_hash, method, server, nonce, record, signature, detail, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.id, a.chainId, a.settlement.toLowerCase(), a.adapter, a.record.adapterHash, a.record.method, a.record.server.toLowerCase(), Number(a.record.nonce), JSON.stringify(a.record), a.signature, JSON.stringify(a.detail), Date.now());
  }

  /** A re-priced record replaces the unpriced one (same measurement, new nonce and signature). */
  reprice(id: string, record: AttributionRecord, signature: string, detail: AttributionDetail): void {
    this.db
      .prepare('UPDATE attributions SET record = ?, signature = ?, detail = ?, nonce = ? WHERE id = ?')
      .run(JSON.stringify(record), signature, JSON.stringify(detail), Number(record.nonce), id);
  }

  settled(id: string, paymentId: string, tx: string, claimsFile: string): void {
    this.db.prepare('UPDATE attributions SET payment_id = ?, settle_tx = ?, claims_file = ? WHERE id = ?').run(paymentId, tx, claimsFile, id);
  }

  get(id: string): Attribution & { credits: ExampleCredit[] } {
    const row = this.db.prepare('SELECT * FROM attributions WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound(`There is no attribution ${id}: see attribution.list (studio attribute makes one).`);
    return toAttribution(row);
  }

  list(): Attribution[] {
    return (this.db.prepare('SELECT * FROM attributions ORDER BY created_at DESC, id').all() as Row[]).map((r) => {
      return withoutCredits(toAttribution(r));
    });
  }
}
