import type { DatanetSummary } from '../../../shared/api';
import type { AdapterLineage } from '../../../shared/api/schemas/models';
import { dateTime, shortHex } from '../../format';
import { pageHref } from '../../route';
import { formatValue } from './format';

const METRICS: Record<string, string> = { steps: 'Steps', trainLoss: 'Train loss', evalLoss: 'Eval loss' };
/** Hyperparameters that say what the run was, shown first (steps are among the metrics); the rest follow in the details. */
const MAIN = ['epochs', 'lr', 'rank', 'alpha', 'batch', 'gradAccum', 'maxLen'];
const LABELS: Record<string, string> = {
  epochs: 'Epochs',
  lr: 'Learning rate',
  rank: 'Rank',
  alpha: 'Alpha',
  batch: 'Batch',
  gradAccum: 'Accumulation',
  maxLen: 'Max length',
  steps: 'Steps asked',
  warmup: 'Warm-up',
  dropout: 'Dropout',
  targets: 'Layers',
  packing: 'Packing',
  seed: 'Seed',
  evalFraction: 'Held out',
  evalEvery: 'Eval every',
  checkpointEvery: 'Checkpoint every',
  provider: 'Runs on',
  field: 'Field',
  threads: 'Threads',
};
/** Input fields that name the run rather than configure it. */
const NOT_HYPERPARAMETERS = new Set(['model', 'datanet', 'version', 'out']);

/** Which data an adapter learned from (datanet, version, Merkle root, examples), how, and how well. */
export function AdapterLineageView({ lineage, datanet }: { lineage: AdapterLineage; datanet: DatanetSummary | undefined }) {
  const hyper = Object.entries(lineage.hyperparameters).filter(([k]) => !NOT_HYPERPARAMETERS.has(k));
  const main = hyper.filter(([k]) => MAIN.includes(k)).sort(([a], [b]) => MAIN.indexOf(a) - MAIN.indexOf(b));
  const rest = hyper.filter(([k]) => !MAIN.includes(k));
  return (
    <div className="lineage" data-testid="adapter-lineage">
      <p className="lineage-source">
        Trained on{' '}
        {datanet ? (
          <a href={pageHref('datanets', datanet.id)} data-testid="lineage-datanet">
            {datanet.name}
          </a>
        ) : (
          <span className="mono" data-testid="lineage-datanet">
            {lineage.datanet}
          </span>
        )}{' '}
        <span data-testid="lineage-version">version {lineage.version}</span> ({lineage.examples.toLocaleString()} training examples, root{' '}
        <code title={lineage.root}>{shortHex(lineage.root)}</code>) on {dateTime.format(lineage.trainedAt)}.
      </p>
      <dl className="lineage-metrics" data-testid="lineage-metrics">
        {Object.entries(lineage.metrics).map(([k, v]) => (
          <div key={k} className="lineage-metric">
            <dt>{METRICS[k] ?? k}</dt>
            <dd className="mono">{formatValue(v)}</dd>
          </div>
        ))}
        {main.map(([k, v]) => (
          <div key={k} className="lineage-metric">
            <dt>{LABELS[k] ?? k}</dt>
            <dd className="mono">{formatValue(v)}</dd>
          </div>
        ))}
      </dl>
      {rest.length > 0 && (
        <details className="lineage-details">
          <summary>All hyperparameters</summary>
          <dl className="lineage-metrics">
            {rest.map(([k, v]) => (
              <div key={k} className="lineage-metric">
                <dt>{LABELS[k] ?? k}</dt>
                <dd className="mono">{formatValue(v)}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </div>
  );
}
