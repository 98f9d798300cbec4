/**
 * The training examples of an adapter trained here, rebuilt from its lineage as training.start built
 * them (training/lineage-split.ts, shared with the manifest's weights): the version's
 * TrainingRecords, tokenized with the base model's tokenizer, split by the run's seed and eval
 * fraction, cut to its maxLen. One example per training record, whose id (`<item id>@<position>`)
 * is the example's id in the gradient store. Packed runs are attributed example by example: a
 * packed example also saw the examples before it in its row, which the store leaves out.
 *
 * TracIn's weight for each checkpoint (those the run kept, installed with the adapter, and the
 * adapter itself) is the sum of the learning rates of the steps it stands for, from the run's
 * schedule: the steps since the checkpoint before it (the first: since the start).
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
  /** The learning rate of each of the run's steps, from its schedule. */
  rates: number[];
  steps: number;
  /** The run's peak learning rate. */
  lr: number;
}

/**
 * TracIn's η per checkpoint (`steps`, ascending, the last one the run's end): the learning rates
 * summed over the steps since the checkpoint before. A stretch all warmup (its only step at rate
 * 0) moved nothing, but the peak rate still orders its scores.
 */
export function checkpointWeights(training: Pick<AdapterTraining, 'rates' | 'lr'>, steps: readonly number[]): number[] {
  let from = 0;
  return steps.map((to) => {
    let sum = 0;
    for (let s = from; s < to; s++) sum += training.rates[s] ?? 0;
    from = to;
    return sum > 0 ? sum : training.lr;
  });
}

export async function adapterTraining(datanets: DatanetService, lineage: AdapterLineage, baseDir: string, adapterName: string, signal?: AbortSignal): Promise<AdapterTraining> {
  const settings = lineageSettings(RunSettings, lineage, adapterName);
  const { source, train } = await lineageTrainSplit(datanets, lineage, settings, baseDir, adapterName, signal);
  const steps = lineage.metrics.steps;
  if (steps === undefined || !Number.isInteger(steps) || steps < 1) throw conflict(`Adapter ${adapterName}'s lineage does not say how many steps it was trained for (metrics.steps), which TracIn's weight needs.`);
  const rates = Array.from({ length: steps }, (_, s) => learningRateAt({ lr: settings.lr, warmupSteps: settings.warmup, totalSteps: steps }, s));
  return {
    datanetId: source.datanetId,
    versionId: source.versionId,
    versionNumber: source.versionNumber,
    examples: train.map((e) => {
      const cut = truncateExample(e, settings.maxLen);
      return { id: e.sourceIds[0]!, sourceIds: e.sourceIds, ids: cut.ids, targets: cut.targets };
    }),
    maxLen: settings.maxLen,
    rates,
    steps,
    lr: settings.lr,
  };
}
