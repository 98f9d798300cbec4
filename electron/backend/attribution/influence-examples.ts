/**
 * The training examples of an adapter trained here, rebuilt from its lineage as training.start built
 * them (training/lineage-split.ts, shared with the manifest's weights): the version's
 * TrainingRecords, tokenized with the base model's tokenizer, split by the run's seed and eval
 * fraction, cut to its maxLen. One example per training record, whose id (`<item id>@<position>`)
 * is the example's id in the gradient store. Packed runs are attributed example by example: a
 * packed example also saw the examples before it in its row, which the store leaves out.
 *
 * TracIn's weight for the trained adapter (the only checkpoint a finished run keeps) is the sum of
 * the learning rates of all its steps, from the run's schedule.
 */
import { conflict } from '../../../shared/api/errors';
import type { AdapterLineage } from '../../../shared/api/schemas/models';
import { TrainStartInput } from '../../../shared/api/schemas/training';
import { truncateExample } from '../../../engine/data/index';
import { learningRateAt } from '../../../engine/train/schedule';
import type { StoreExampleInput } from '../../../engine/attribution/store-build';
import type { DatanetService } from '../datanets/service';
import { SplitSettings, lineageSettings, lineageTrainSplit } from '../training/lineage-split';

/** The settings that decide the train split and the schedule, with training.start's defaults. */
const RunSettings = SplitSettings.extend({
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
  const settings = lineageSettings(RunSettings, lineage, adapterName);
  const { source, train } = await lineageTrainSplit(datanets, lineage, settings, baseDir, adapterName, signal);
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
