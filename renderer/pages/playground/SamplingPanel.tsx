import { useId } from 'react';
import { DEFAULT_SAMPLING, type Sampling } from './conversations';

interface FieldSpec {
  key: 'temperature' | 'topK' | 'topP' | 'repetitionPenalty' | 'maxTokens';
  label: string;
  min: number;
  max: number;
  step: number;
  help: string;
}

const FIELDS: FieldSpec[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.05, help: '0 always picks the likeliest token (repeatable); higher is more varied.' },
  { key: 'topK', label: 'Top-k', min: 0, max: 500, step: 1, help: 'Sample among the k likeliest tokens (0: all).' },
  { key: 'topP', label: 'Top-p', min: 0.05, max: 1, step: 0.05, help: 'Sample among the likeliest tokens that together reach this probability (1: all).' },
  { key: 'repetitionPenalty', label: 'Repetition penalty', min: 0.5, max: 2, step: 0.05, help: 'Above 1 discourages repeating tokens already written.' },
  { key: 'maxTokens', label: 'Max new tokens', min: 1, max: 4096, step: 1, help: 'The answer stops at this length.' },
];

/** The sampling settings, shared by every conversation. */
export function SamplingPanel({ sampling, onChange, disabled }: { sampling: Sampling; onChange: (s: Sampling) => void; disabled: boolean }) {
  const base = useId();
  return (
    <details className="sampling" data-testid="sampling">
      <summary>Sampling settings</summary>
      <div className="sampling-grid">
        {FIELDS.map((f) => (
          <div key={f.key} className="field">
            <label className="field-label" htmlFor={`${base}-${f.key}`}>
              {f.label}
            </label>
            <input
              id={`${base}-${f.key}`}
              className="input mono"
              type="number"
              min={f.min}
              max={f.max}
              step={f.step}
              value={sampling[f.key]}
              disabled={disabled}
              data-testid={`sampling-${f.key}`}
              aria-describedby={`${base}-${f.key}-help`}
              onChange={(e) => {
                const v = Number(e.target.value);
                if (e.target.value !== '' && Number.isFinite(v)) onChange({ ...sampling, [f.key]: Math.min(f.max, Math.max(f.min, v)) });
              }}
            />
            <span className="field-hint" id={`${base}-${f.key}-help`}>
              {f.help}
            </span>
          </div>
        ))}
        <div className="field">
          <label className="field-label" htmlFor={`${base}-seed`}>
            Seed
          </label>
          <input
            id={`${base}-seed`}
            className="input mono"
            inputMode="numeric"
            value={sampling.seed}
            placeholder="random"
            disabled={disabled}
            aria-describedby={`${base}-seed-help`}
            onChange={(e) => onChange({ ...sampling, seed: e.target.value.replace(/[^0-9]/g, '') })}
          />
          <span className="field-hint" id={`${base}-seed-help`}>
            The same seed and settings repeat a sampled answer.
          </span>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${base}-stop`}>
            Stop strings
          </label>
          <textarea
            id={`${base}-stop`}
            className="input textarea mono"
            rows={2}
            value={sampling.stop}
            disabled={disabled}
            aria-describedby={`${base}-stop-help`}
            onChange={(e) => onChange({ ...sampling, stop: e.target.value })}
          />
          <span className="field-hint" id={`${base}-stop-help`}>
            One per line; the answer ends before the first one written.
          </span>
        </div>
      </div>
      <button type="button" className="button button-small" disabled={disabled} onClick={() => onChange(DEFAULT_SAMPLING)}>
        Reset to defaults
      </button>
    </details>
  );
}
