/**
 * An adapter's train split, rebuilt from its lineage the way training.start built it
 * (training/version-data.ts): the version's TrainingRecords, tokenized with the base model's
 * tokenizer, split by the run's seed and eval fraction. The manifest's usage weights
 * (models/training-usage.ts) and influence attribution (attribution/influence-examples.ts) both
 * stand on this split, so they must rebuild it the same way; versions are frozen, the tokenizer is
 * the base's and the split a hash of the seed and record ids, so the same lineage gives the same
 * split on any machine with the same data.
 */
import { z } from 'zod';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import type { AdapterLineage } from '../../../shared/api/schemas/models';
import { TrainStartInput } from '../../../shared/api/schemas/training';
import { splitTrainEval, toExamples, type Example } from '../../../engine/data/index';
import { loadTokenizer } from '../../../engine/tokenize/load';
import type { DatanetService } from '../datanets/service';
import { readTrainingRecords, type TrainingSource } from './dataset-source';

/** The settings that decide the train split, with training.start's defaults for any a lineage lacks. */
export const SplitSettings = z.object({
  field: TrainStartInput.shape.field,
  maxLen: TrainStartInput.shape.maxLen,
  seed: TrainStartInput.shape.seed,
  evalFraction: TrainStartInput.shape.evalFraction,
});
export type SplitSettings = z.infer<typeof SplitSettings>;

/** The lineage's hyperparameters read with `schema`; one training would not take is an invalid_input naming it. */
export function lineageSettings<T extends z.ZodType>(schema: T, lineage: AdapterLineage, adapterName: string): z.infer<T> {
  const parsed = schema.safeParse(lineage.hyperparameters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiFailure({ code: 'invalid_input', field: 'adapter', message: `${adapterName}'s lineage has a hyperparameter ${issue.path.join('.')} that training would not take: ${issue.message}` });
  }
  return parsed.data;
}

/**
 * The train examples (not yet cut to maxLen) and the version they came from; a `conflict` where the
 * version's root or the split's size is not what the lineage recorded.
 */
export async function lineageTrainSplit(
  datanets: DatanetService,
  lineage: AdapterLineage,
  settings: SplitSettings,
  baseDir: string,
  adapterName: string,
  signal?: AbortSignal,
): Promise<{ source: TrainingSource; train: Example[] }> {
  const { source, records } = await readTrainingRecords(datanets, { datanet: lineage.datanet, version: lineage.version, field: settings.field, ...(signal ? { signal } : {}) });
  if (source.root !== lineage.root) {
    throw conflict(`Adapter ${adapterName} was trained on a version with root ${lineage.root}, but version ${lineage.version} of its datanet has root ${source.root}: the lineage does not match this data folder.`);
  }
  const tokenizer = await loadTokenizer(baseDir);
  const examples = toExamples(tokenizer, records);
  const train = settings.evalFraction >= 1 ? examples : splitTrainEval(examples, { seed: settings.seed, fraction: settings.evalFraction }).train;
  if (train.length !== lineage.examples) {
    throw conflict(`Adapter ${adapterName} was trained on ${lineage.examples} examples, but its lineage's settings give ${train.length} from version ${lineage.version}: the lineage does not say how it was trained.`);
  }
  return { source, train };
}
