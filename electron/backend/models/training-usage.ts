/**
 * Which records of a version an adapter was trained on, and how much of each: the train split its
 * lineage names, rebuilt the way training.start built it (training/lineage-split.ts) and cut to
 * its maxLen, as target tokens per version position. The same lineage gives the same usage on any
 * machine with the same data.
 */
import type { AdapterLineage } from '../../../shared/api/schemas/models';
import { IGNORE_INDEX, truncateExample } from '../../../engine/data/index';
import type { DatanetService } from '../datanets/service';
import { parseTrainingRecordId } from '../training/dataset-source';
import { SplitSettings, lineageSettings, lineageTrainSplit } from '../training/lineage-split';

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
  const settings = lineageSettings(SplitSettings, lineage, adapterName);
  const { source, train } = await lineageTrainSplit(datanets, lineage, settings, baseDir, adapterName);
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
