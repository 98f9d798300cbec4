import { useId } from 'react';
import type { Adapter } from '../../../shared/api/schemas/models';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';

interface AttributionMethodSelectProps {
  adapter: Adapter;
  onChanged: (adapter: Adapter) => void;
}

/**
 * How this adapter's answers are attributed (and so paid) when the Playground's panel or
 * `studio attribute` names no method: saved with the adapter as soon as it is chosen.
 */
export function AttributionMethodSelect({ adapter, onChanged }: AttributionMethodSelectProps) {
  const id = useId();
  const save = useAction('adapters.setAttributionMethod');
  return (
    <div className="models-attribution" data-testid="adapter-attribution">
      <label htmlFor={id}>Answers attributed by</label>{' '}
      <select
        id={id}
        className="select select-small"
        value={adapter.attributionMethod}
        disabled={save.pending}
        data-testid="adapter-attribution-method"
        onChange={(e) => {
          void save.run({ name: adapter.name, method: e.target.value as Adapter['attributionMethod'] }).then((a) => a && onChanged(a));
        }}
      >
        <option value="spans">matching spans (any model size)</option>
        <option value="influence">influence (DataInf over its training gradients)</option>
      </select>
      {save.error && <ErrorMessage error={save.error} context={`Could not change how ${adapter.name} is attributed.`} testId="adapter-attribution-error" />}
    </div>
  );
}
