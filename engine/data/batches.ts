/**
 * Rows to batches for the training graphs: input_ids, targets and attention_mask [B, T] int64,
 * each batch padded on the right to its longest row (pad id in the ids, -100 in the targets, 0 in
 * the mask). Right padding under a causal mask changes nothing for the real tokens before it.
 *
 * Training order: every epoch visits every row once, in an order drawn with the engine's Prng from
 * the seed (epoch e's order is the (e+1)-th shuffle of a Prng(seed)), so the same seed gives the same
 * batches on every machine. The place in that order is a position (epoch, index: rows of the epoch
 * already taken), saved as a string beside the optimizer state; a run resumed from it takes the
 * very batches the stopped run would have taken next. The saved string also names the data (a
 * fingerprint of the rows and the seed), and resuming on other data is refused.
 */
import { createHash } from 'node:crypto';
import { Prng } from '../train/prng';
import { IGNORE_INDEX } from './examples';
import type { Row } from './packing';

export interface DataPosition {
  epoch: number;
  /** Rows of this epoch's order already taken. */
  index: number;
}

export interface Batch {
  /** Rows (B). */
  size: number;
  /** Padded length (T). */
  length: number;
  inputIds: BigInt64Array;
  targets: BigInt64Array;
  /** 1 on real tokens, 0 on padding. */
  attentionMask: BigInt64Array;
  /** Targets that are not -100: the weight of this batch's mean loss when accumulating. */
  targetCount: number;
  /** The rows in batch order (their segments name the records). */
  rows: readonly Row[];
}

function checkPadId(padId: number): void {
  if (!Number.isInteger(padId) || padId < 0) throw new Error(`padId must be a token id (an integer ≥ 0), got ${padId}`);
}

/** The rows as one batch, padded on the right to the longest. */
export function padRows(rows: readonly Row[], padId: number): Batch {
  if (rows.length === 0) throw new Error('a batch needs at least one row');
  checkPadId(padId);
  const length = Math.max(...rows.map((r) => r.ids.length));
  const size = rows.length;
  const inputIds = new BigInt64Array(size * length).fill(BigInt(padId));
  const targets = new BigInt64Array(size * length).fill(BigInt(IGNORE_INDEX));
  const attentionMask = new BigInt64Array(size * length);
  let targetCount = 0;
  rows.forEach((r, b) => {
    for (let t = 0; t < r.ids.length; t++) {
      inputIds[b * length + t] = BigInt(r.ids[t]!);
      targets[b * length + t] = BigInt(r.targets[t]!);
      attentionMask[b * length + t] = 1n;
      if (r.targets[t] !== IGNORE_INDEX) targetCount++;
    }
  });
  return { size, length, inputIds, targets, attentionMask, targetCount, rows };
}

export interface BatchOptions {
  /** Rows per batch; an epoch's last batch has what is left. */
  batchSize: number;
  seed: number;
  padId: number;
  /** A saved position (BatchSampler.savePosition) to continue from. */
  resume?: string;
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be an integer of at least 1, got ${batchSize}`);
}

/** What the order depends on: every row's records and length, in row order, and the seed. */
function fingerprint(rows: readonly Row[], seed: number): string {
  const h = createHash('sha256').update(`seed ${seed}\n`);
  for (const r of rows) h.update(`${r.ids.length}:${r.segments.map((s) => `${s.sourceIds.join(',')}@${s.start}`).join(' ')}\n`);
  return h.digest('hex').slice(0, 32);
}

/** Endless training batches over the rows, epoch after epoch, from a position. */
export class BatchSampler {
  readonly fingerprint: string;
  private readonly prng: Prng;
  private order: number[] = [];
  private orderEpoch = -1;
  private epoch = 0;
  private index = 0;

  constructor(
    private readonly rows: readonly Row[],
    private readonly options: BatchOptions,
  ) {
    if (rows.length === 0) throw new Error('no rows to train on');
    checkBatchSize(options.batchSize);
    checkPadId(options.padId);
    this.prng = new Prng(options.seed);
    this.fingerprint = fingerprint(rows, options.seed);
    if (options.resume !== undefined) ({ epoch: this.epoch, index: this.index } = this.parse(options.resume));
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    return Math.ceil(this.rows.length / this.options.batchSize);
  }

  /** Where the next batch starts. */
  get position(): DataPosition {
    return { epoch: this.epoch, index: this.index };
  }

  /** The position as a string to save (with the optimizer state) and pass back as `resume`. */
  savePosition(): string {
    return JSON.stringify({ epoch: this.epoch, index: this.index, data: this.fingerprint });
  }

  /** The next batch; after an epoch's last one, the next epoch begins. */
  next(): Batch {
    const order = this.orderOf(this.epoch);
    const end = Math.min(order.length, this.index + this.options.batchSize);
    const batch = padRows(order.slice(this.index, end).map((i) => this.rows[i]!), this.options.padId);
    if (end === order.length) {
      this.epoch++;
      this.index = 0;
    } else this.index = end;
    return batch;
  }

  /** Epochs are drawn in sequence from one Prng, so reaching epoch e replays the shuffles before it. */
  private orderOf(epoch: number): number[] {
    while (this.orderEpoch < epoch) {
      this.order = this.prng.shuffle(Array.from({ length: this.rows.length }, (_, i) => i));
      this.orderEpoch++;
    }
    return this.order;
  }

  private parse(saved: string): DataPosition {
    let value: unknown;
    try {
      value = JSON.parse(saved);
    } catch {
      throw new Error(`resume: ${JSON.stringify(saved.slice(0, 80))} is not a saved data position`);
    }
    const { epoch, index, data } = (value ?? {}) as { epoch?: unknown; index?: unknown; data?: unknown };
    if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0 || typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || typeof data !== 'string') {
      throw new Error(`resume: ${JSON.stringify(saved.slice(0, 80))} is not a saved data position (epoch, index, data)`);
    }
    if (data !== this.fingerprint) throw new Error('resume: the saved position is for other data or another seed (the rows or the seed changed since it was saved)');
    if (index >= this.rows.length) throw new Error(`resume: index ${index} is past the ${this.rows.length} rows of an epoch`);
    return { epoch, index };
  }
}

/** Eval batches: the rows in their order, each batch padded to its longest, made as they are taken. */
export function evalBatches(rows: readonly Row[], options: { batchSize: number; padId: number }): Generator<Batch> {
  checkBatchSize(options.batchSize);
  checkPadId(options.padId);
  return (function* () {
    for (let i = 0; i < rows.length; i += options.batchSize) yield padRows(rows.slice(i, i + options.batchSize), options.padId);
  })();
}
