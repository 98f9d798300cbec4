import { useId } from 'react';
import { NUMBER_LIMITS, limitProblem, maxLenContextNote, type Hyperparameters } from './presets';

interface HyperparameterFieldsProps {
  values: Hyperparameters;
  onChange: (values: Hyperparameters) => void;
  disabled: boolean;
  /** The base model chosen: a max length past its context gets a note. */
  model: { name: string; contextLength: number };
}

/** Every hyperparameter with its limits and a one-line explanation; an out-of-range value is named beside its field. */
export function HyperparameterFields({ values, onChange, disabled, model }: HyperparameterFieldsProps) {
  const base = useId();
  return (
    <div className="hyper-grid" data-testid="hyperparameters">
      {NUMBER_LIMITS.map((limit) => {
        const id = `${base}-${limit.key}`;
        const problem = limitProblem(limit, values[limit.key]);
        const note = !problem && limit.key === 'maxLen' ? maxLenContextNote(values.maxLen, model.contextLength, model.name) : null;
        const described = [`${id}-help`, ...(problem ? [`${id}-problem`] : []), ...(note ? [`${id}-note`] : [])].join(' ');
        return (
          <div key={limit.key} className="field hyper-field">
            <label className="field-label" htmlFor={id}>
              {limit.label}
            </label>
            <input
              id={id}
              className="input mono"
              type="number"
              min={limit.min}
              max={limit.max}
              step={limit.step}
              value={Number.isFinite(values[limit.key]) ? values[limit.key] : ''}
              disabled={disabled}
              data-testid={`hyper-${limit.key}`}
              aria-invalid={problem ? true : undefined}
              aria-describedby={described}
              onChange={(e) => onChange({ ...values, [limit.key]: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
            />
            <span className="field-hint" id={`${id}-help`}>
              {limit.help}
            </span>
            {problem && (
              <span className="field-error" id={`${id}-problem`}>
                {problem}
              </span>
            )}
            {note && (
              <span className="field-note" id={`${id}-note`} data-testid={`hyper-${limit.key}-note`}>
                {note}
              </span>
            )}
          </div>
        );
      })}
      <div className="field hyper-field">
        <label className="field-label" htmlFor={`${base}-targets`}>
          Layers adapted
        </label>
        <select
          id={`${base}-targets`}
          className="select"
          value={values.targets}
          disabled={disabled}
          aria-describedby={`${base}-targets-help`}
          onChange={(e) => onChange({ ...values, targets: e.target.value as Hyperparameters['targets'] })}
        >
          <option value="default">Query and value (default)</option>
          <option value="all-linear">Every linear layer</option>
        </select>
        <span className="field-hint" id={`${base}-targets-help`}>
          Query and value: the attention's query and value projections. More layers learn more per step; the adapter grows about fivefold.
        </span>
      </div>
      <div className="field hyper-field">
        <label className="field-label" htmlFor={`${base}-provider`}>
          Runs on
        </label>
        <select
          id={`${base}-provider`}
          className="select"
          value={values.provider}
          disabled={disabled}
          aria-describedby={`${base}-provider-help`}
          onChange={(e) => onChange({ ...values, provider: e.target.value as Hyperparameters['provider'] })}
        >
          <option value="cpu">CPU</option>
          <option value="auto">Best available (GPU when one works)</option>
        </select>
        <span className="field-hint" id={`${base}-provider-help`}>
          Settings → Diagnostics says which accelerators work on this computer.
        </span>
      </div>
      <label className="radio hyper-field">
        <input type="checkbox" checked={values.packing} disabled={disabled} onChange={(e) => onChange({ ...values, packing: e.target.checked })} />
        <span>
          Pack short examples together <span className="field-hint">— fewer padding tokens, faster on short texts</span>
        </span>
      </label>
    </div>
  );
}
