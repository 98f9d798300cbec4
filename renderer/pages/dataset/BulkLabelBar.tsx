import { useState } from 'react';
import type { Job } from '../../../shared/api';
import type { ApiFailure } from '../../../shared/api/errors';
import type { LabelSchema } from '../../../shared/datanets/schema';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JobProgress } from '../../components/JobProgress';
import { bulkFields } from './bulk-values';

interface BulkLabelBarProps {
  schema: LabelSchema;
  count: number;
  /** The bulk job being followed, if any. */
  job: Job | null;
  error: ApiFailure | null;
  pending: boolean;
  onApply: (field: string, value: unknown) => void;
  onClear: () => void;
  /** Opens "Contribute selection…" (a signed record for the selected items of the latest version). */
  onContribute: () => void;
}

/** "N selected · Set [field] to [value] · Apply": one field, one value, for the whole selection. */
export function BulkLabelBar({ schema, count, job, error, pending, onApply, onClear, onContribute }: BulkLabelBarProps) {
  const fields = bulkFields(schema);
  const [fieldName, setFieldName] = useState(fields[0]!.name);
  const field = fields.find((f) => f.name === fieldName) ?? fields[0]!;
  const [optionIndex, setOptionIndex] = useState(0);
  const running = job?.state === 'running';

  if (running) {
    return (
      <div className="dv-bulk" data-testid="bulk-bar">
        <JobProgress title={job.title} progress={job.progress} />
      </div>
    );
  }
  return (
    <div className="dv-bulk" data-testid="bulk-bar">
      <div className="dv-bulk-row" role="group" aria-label="Label the selection">
        <strong data-testid="selection-count">
          {count.toLocaleString()} selected
        </strong>
        <label className="dv-inline">
          Set
          <select className="select dv-select-small" value={field.name} onChange={(e) => {
              setFieldName(e.target.value);
              setOptionIndex(0);
            }} data-testid="bulk-field">
            {fields.map((f) => (
              <option key={f.name} value={f.name}>
                {f.text}
              </option>
            ))}
          </select>
        </label>
        <label className="dv-inline">
          to
          <select className="select dv-select-small" value={optionIndex} onChange={(e) => setOptionIndex(Number(e.target.value))} data-testid="bulk-value">
            {field.options.map((o, i) => (
              <option key={o.text} value={i}>
                {o.text}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-primary button-small"
          data-testid="bulk-apply"
          disabled={pending}
          onClick={() => onApply(field.name, field.options[optionIndex]?.value ?? null)}
        >
          Apply to {count.toLocaleString()}
        </button>
        <button type="button" className="button button-small" data-testid="contribute-selection" onClick={onContribute}>
          Contribute selection…
        </button>
        <button type="button" className="button button-small" onClick={onClear}>
          Clear selection
        </button>
      </div>
      {error && <ErrorMessage error={error} context="Could not label the selection." />}
    </div>
  );
}
