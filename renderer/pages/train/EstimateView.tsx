import { counted, formatBytes, formatDuration } from '../../../shared/format';
import type { LanguageModel } from '../../../shared/api/schemas/models';
import { memoryEstimate, timeEstimate, type MeasuredRun } from './estimate';
import type { Hyperparameters } from './presets';

interface EstimateViewProps {
  model: LanguageModel;
  datanet: string;
  values: Hyperparameters;
  /** Examples the chosen version gives the chosen field (training.examples), before the held-out share; null while unknown. */
  examples: number | null;
  measured: readonly MeasuredRun[];
}

/** Memory and time before starting: the formula's parts are shown, and time only from a measurement. */
export function EstimateView({ model, datanet, values, examples: records, measured }: EstimateViewProps) {
  const memory = memoryEstimate(model, values);
  const perStep = values.batch * values.gradAccum;
  const time = timeEstimate({ model: model.name, datanet, steps: values.steps, examplesPerStep: perStep }, measured);
  // As engine/data/split.ts holds out: round(fraction × n), at least one when the fraction is above 0, never all.
  const held = records === null ? 0 : Math.min(Math.max(values.evalFraction > 0 && records >= 2 ? 1 : 0, Math.round(values.evalFraction * records)), Math.max(0, records - 1));
  const trainExamples = records === null ? null : Math.max(1, records - held);
  return (
    <div className="estimate" data-testid="estimate" role="status">
      <p>
        <strong>Memory:</strong> <span data-testid="estimate-memory">about {formatBytes(memory.total)}</span>{' '}
        <span className="muted">
          (weights {formatBytes(memory.weights)} in float32, activations {formatBytes(memory.activations)} for {values.batch} × {values.maxLen} tokens, adapter and
          optimizer {formatBytes(memory.adapter)}); ONNX Runtime&apos;s own buffers come on top.
        </span>
      </p>
      <p>
        <strong>Time:</strong>{' '}
        {time ? (
          <>
            <span data-testid="estimate-time">about {formatDuration(time.seconds)}</span> <span className="muted">{time.basis}</span>
          </>
        ) : (
          <span data-testid="estimate-time" className="muted">
            measured after the first steps (no earlier run on {model.name} to go by).
          </span>
        )}
      </p>
      {records === 0 ? (
        <p className="field-error" data-testid="estimate-no-examples">
          This version has no labeled example in this field to train on: label some items and freeze a new version.
        </p>
      ) : (
        trainExamples !== null && (
          <p className="muted" data-testid="estimate-passes">
            {values.steps.toLocaleString()} steps × {perStep} examples = {(values.steps * perStep).toLocaleString()} examples seen, about{' '}
            {((values.steps * perStep) / trainExamples).toFixed(1)} passes over {counted(trainExamples, 'training example')}
            {held > 0 && ` (${counted(held, 'more', 'more')} held out to measure the loss)`}.
          </p>
        )
      )}
    </div>
  );
}
