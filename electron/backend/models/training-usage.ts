/**
 * Which records of a version an adapter was trained on, and how much of each: the train split its
 * lineage names, rebuilt the way training.start built it (training/version-data.ts: the version's
 * TrainingRecords, tokenized with the base model's tokenizer, split by the run's seed and eval
 * fraction, cut to its maxLen), as target tokens per version position. Versions are frozen, the
 * tokenizer is the base's, and the split is a hash of the seed and record ids, so the same lineage
 * gives the same usage on any machine with the same data.
 */
import { z } from 'zod';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import type { AdapterLineage } from '../../../shared/api/schemas/models';
import { TrainStartInput } from '../../../shared/api/schemas/training';
import { IGNORE_INDEX, splitTrainEval, toExamples, truncateExample } from '../../../engine/data/index';
import { loadTokenizer } from '../../../engine/tokenize/load';
import type { DatanetService } from '../datanets/service';
import { parseTrainingRecordId, readTrainingRecords } from '../training/dataset-source';

/** The settings that decide the train split, with training.start's defaults for any a lineage lacks. */
const SplitSettings = z.object({
  field: TrainStartInput.shape.field,
  maxLen: TrainStartInput.shape.maxLen,
  seed: TrainStartInput.shape.seed,
  evalFraction: TrainStartInput.shape.evalFraction,
});

export interface TrainingUsage {
  datanetId: string;
  versionId: string;
  versionNumber: number;
  versionRoot: string;
  field: string;
  /** Version position → the train examples from it and their target tokens. */
  byPosition: Map<number, { examples: number; tokens: number }>;
  examples: number;
  tokens: number;
}

export async function trainingUsage(datanets: DatanetService, lineage: AdapterLineage, baseDir: string, adapterName: string): Promise<TrainingUsage> {
  const parsed = SplitSettings.safeParse(lineage.hyperparameters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiFailure({ code: 'invalid_input', field: 'adapter', message: `${adapterName}'s lineage has a hyperparameter ${issue.path.join('.')} that training would not take: ${issue.message}` });
  }
  const settings = parsed.data;
  const { source, records } = await readTrainingRecords(datanets, { datanet: lineage.datanet, version: lineage.version, field: settings.field });
  if (source.root !== lineage.root) {
    throw conflict(`Adapter ${adapterName} was trained on a version with root ${lineage.root}, but version ${lineage.version} of its datanet has root ${source.root}: the lineage does not match this data folder.`);
  }
  const tokenizer = await loadTokenizer(baseDir);
  const examples = toExamples(tokenizer, records);
  const train = settings.evalFraction >= 1 ? examples : splitTrainEval(examples, { seed: settings.seed, fraction: settings.evalFraction }).train;
  if (train.length !== lineage.examples) {
    throw conflict(`Adapter ${adapterName} was trained on ${lineage.examples} examples, but its lineage's settings give ${train.length} from version ${lineage.version}: the lineage does not say how it was trained.`);
  }
  const byPosition = new Map<number, { examples: number; tokens: number }>();
  let tokens = 0;
  for (const example of train) {
    const cut = truncateExample(example, settings.maxLen);
    const learned = cut.targets.reduce((n, t) => (t === IGNORE_INDEX ? n : n + 1), 0);
    tokens += learned;
    // One record per example (toExample); the id is <item id>@<position>.
    for (const id of example.sourceIds) {
      const { position } = parseTrainingRecordId(id);
      const at = byPosition.get(position) ?? { examples: 0, tokens: 0 };
      at.examples += 1;
      at.tokens += learned;
      byPosition.set(position, at);
    }
  }
  return { datanetId: source.datanetId, versionId: source.versionId, versionNumber: source.versionNumber, versionRoot: source.root, field: source.field, byPosition, examples: train.length, tokens };
}
