/**
 * The training examples of an adapter trained here, rebuilt from its lineage as training.start built
 * them (models/training-usage.ts does the same for the manifest's weights): the version's
 * TrainingRecords, tokenized with the base model's tokenizer, split by the run's seed and eval
 * fraction, cut to its maxLen. One example per training record, whose id (`<item id>@<position>`)
 * is the example's id in the gradient store. Packed runs are attributed example by example: a
 * packed example also saw the examples before it in its row, which the store leaves out.
 *
 * TracIn's weight for the trained adapter (the only checkpoint a finished run keeps) is the sum of
 * the learning rates of all its steps, from the run's schedule.
 */
import { z } from 'zod';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import type { AdapterLineage } from '../../../shared/api/schemas/models';
import { TrainStartInput } from '../../../shared/api/schemas/training';
import { splitTrainEval, toExamples, truncateExample } from '../../../engine/data/index';
import { loadTokenizer } from '../../../engine/tokenize/load';
import { learningRateAt } from '../../../engine/train/schedule';
import type { StoreExampleInput } from '../../../engine/attribution/store-build';
import type { DatanetService } from '../datanets/service';
import { readTrainingRecords } from '../training/dataset-source';

/** The settings that decide the train split and the schedule, with training.start's defaults. */
const RunSettings = z.object({
  field: TrainStartInput.shape.field,
  maxLen: TrainStartInput.shape.maxLen,
  seed: TrainStartInput.shape.seed,
  evalFraction: TrainStartInput.shape.evalFraction,
  lr: TrainStartInput.shape.lr,
  warmup: TrainStartInput.shape.warmup,
});

export interface AdapterTraining {
  datanetId: string;
  versionId: string;
  versionNumber: number;
  /** The examples as trained on, one per training record. */
  examples: StoreExampleInput[];
  maxLen: number;
  /** Σ of the learning rates of the run's steps (TracIn's η for the trained adapter). */
  tracinWeight: number;
  steps: number;
}

export async function adapterTraining(datanets: DatanetService, lineage: AdapterLineage, baseDir: string, adapterName: string, signal?: AbortSignal): Promise<AdapterTraining> {
  const parsed = RunSettings.safeParse(lineage.hyperparameters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiFailure({ code: 'invalid_input', field: 'adapter', message: `${adapterName}'s lineage has a hyperparameter ${issue.path.join('.')} that training would not take: ${issue.message}` });
  }
  const settings = parsed.data;
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
  const steps = lineage.metrics.steps;
  if (steps === undefined || !Number.isInteger(steps) || steps < 1) throw conflict(`Adapter ${adapterName}'s lineage does not say how many steps it was trained for (metrics.steps), which TracIn's weight needs.`);
  let tracinWeight = 0;
  for (let s = 0; s < steps; s++) tracinWeight += learningRateAt({ lr: settings.lr, warmupSteps: settings.warmup, totalSteps: steps }, s);
  // A run all warmup (its only step at learning rate 0) moved nothing; its peak rate still orders TracIn's scores.
  if (!(tracinWeight > 0)) tracinWeight = settings.lr;
  return {
    datanetId: source.datanetId,
    versionId: source.versionId,
    versionNumber: source.versionNumber,
    examples: train.map((e) => {
      const cut = truncateExample(e, settings.maxLen);
      return { id: e.sourceIds[0]!, sourceIds: e.sourceIds, ids: cut.ids, targets: cut.targets };
    }),
    maxLen: settings.maxLen,
    tracinWeight,
    steps,
  };
}
