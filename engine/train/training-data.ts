/**
 * What the trainer needs from the data, as a small interface: training batches in a seeded,
 * resumable order, and eval batches. `rowsTrainingData` implements it on engine/data's packed rows
 * (BatchSampler, evalBatches); anything else that fills batches of this shape can stand in for it.
 */
import { BatchSampler, evalBatches, type Row } from '../data/index';

/** One micro-batch as the training graph takes it: ids and shifted targets [size, length], right-padded. */
export interface TrainBatch {
  size: number;
  length: number;
  inputIds: BigInt64Array;
  /** -100 where no loss is taken (prompt, padding). */
  targets: BigInt64Array;
  /** Targets that are not -100: this batch's weight when micro-batches are accumulated. */
  targetCount: number;
  /** 1 on real tokens, 0 on padding; absent means every position is real (it only counts tokens/s). */
  attentionMask?: BigInt64Array;
}

/** Training batches in order, from a position the trainer can save and hand back. */
export interface TrainBatchStream {
  next(): TrainBatch;
  /** The position after the batches taken so far, as a string to save in a checkpoint. */
  savePosition(): string;
}

export interface TrainingData {
  /** Names the data (a hash of the rows): a checkpoint of other data is refused on resume. */
  readonly fingerprint: string;
  batchesPerEpoch(batchSize: number): number;
  /** A stream over the training rows in the seed's order, from the start or a saved position. */
  train(options: { batchSize: number; seed: number; resume?: string }): TrainBatchStream;
  /** The held-out batches, freshly iterable each time; absent or empty: no eval loss. */
  eval?(batchSize: number): Iterable<TrainBatch>;
}

export interface RowsDataOptions {
  train: readonly Row[];
  eval?: readonly Row[];
  /** The id padding takes (engine/data's padTokenId(tokenizer)); it is never a target. */
  padId: number;
}

/** engine/data's rows (packExamples' output after splitTrainEval) as TrainingData. */
export function rowsTrainingData(options: RowsDataOptions): TrainingData {
  const { train, padId } = options;
  const held = options.eval ?? [];
  if (train.length === 0) throw new Error('training data: no training rows');
  // The sampler's fingerprint names the rows and a seed; seed 0 here, the run's seed is in the config.
  // Eval rows are left out: they never change the adapter.
  const fingerprint = new BatchSampler(train, { batchSize: 1, seed: 0, padId }).fingerprint;
  return {
    fingerprint,
    batchesPerEpoch: (batchSize) => Math.ceil(train.length / batchSize),
    train: ({ batchSize, seed, resume }) => new BatchSampler(train, { batchSize, seed, padId, ...(resume === undefined ? {} : { resume }) }),
    eval: (batchSize) => ({ [Symbol.iterator]: () => evalBatches(held, { batchSize, padId }) }),
  };
}
