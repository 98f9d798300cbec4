import { loadModelConfig } from '../../../engine/models/config';
import { loadTokenizer } from '../../../engine/tokenize/load';
import { packExamples, padTokenId, splitTrainEval, toExamples } from '../../../engine/data/index';
import { rowsTrainingData, type TrainingData } from '../../../engine/train/training-data';
import type { DatanetService } from '../datanets/service';
import { readTrainingRecords, type TrainingSource, type TrainingSourceOptions } from './dataset-source';
import { ApiFailure } from '../../../shared/api/errors';

export interface VersionDataOptions extends TrainingSourceOptions {
  modelDir: string;
  /** Tokens in a row, at most the model's context; longer examples are truncated (engine/data/packing.ts says how). */
  maxLength: number;
  packing: boolean;
  /** Decides the train/eval split (and, in training, everything else random). */
  seed: number;
  /** Share of examples held out for the eval loss; 0 for none, 1 for eval of everything (studio eval). */
  evalFraction: number;
  signal?: AbortSignal;
}

export interface VersionData {
  source: TrainingSource;
  data: TrainingData;
  trainExamples: number;
  evalExamples: number;
  /** Examples cut to maxLength. */
  truncated: number;
}

/**
 * A frozen datanet version as the trainer's data: its records (dataset-source), tokenized with the
 * base model's tokenizer into examples with the prompt masked, split by the seed, packed into rows.
 */
export async function versionTrainingData(datanets: DatanetService, options: VersionDataOptions): Promise<VersionData> {
  const { source, records } = await readTrainingRecords(datanets, options);
  if (records.length === 0) {
    const c = source.counts;
    throw new ApiFailure({
      code: 'invalid_input',
      field: 'version',
      message: `Version ${source.versionNumber} has nothing to train on in field "${source.field}": ${c.read} records read, ${c.unlabeled} unlabeled, ${c.noText} without text, ${c.invalid} invalid. Label some items and freeze a new version.`,
    });
  }
  const tokenizer = await loadTokenizer(options.modelDir);
  const examples = toExamples(tokenizer, records);
  const everything = options.evalFraction >= 1;
  const split = everything ? { train: examples, eval: examples } : splitTrainEval(examples, { seed: options.seed, fraction: options.evalFraction });
  // Never longer than the model's context: a row past its last position embedding fails in the
  // graph ("Gather: idx=64 must be within [-64,63]"); "max length" already means "cut to this".
  const maxLength = Math.min(options.maxLength, loadModelConfig(options.modelDir).maxPositions);
  const train = packExamples(split.train, { maxLength, packing: options.packing });
  const held = packExamples(split.eval, { maxLength, packing: false });
  return {
    source,
    data: rowsTrainingData({ train: train.rows, eval: held.rows, padId: padTokenId(tokenizer) }),
    trainExamples: split.train.length,
    evalExamples: split.eval.length,
    truncated: train.truncated,
  };
}
