import { useId, useState, type SubmitEvent } from 'react';
import type { Adapter, LanguageModel } from '../../../shared/api/schemas/models';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PathField } from '../../components/PathField';

/** Import a PEFT adapter folder for one of the installed base models (checked against its modules and shapes). */
export function ImportAdapterForm({ models, onImported }: { models: LanguageModel[]; onImported: (adapter: Adapter) => void }) {
  const importAdapter = useAction('adapters.import');
  const [folder, setFolder] = useState('');
  const [chosenBase, setBase] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const baseId = useId();
  const base = chosenBase || models[0]?.name || '';
  const err = importAdapter.error?.error;
  const pathError = err?.code === 'invalid_input' ? err : undefined;

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    setDone(null);
    const adapter = await importAdapter.run({ path: folder.trim(), base });
    if (adapter) {
      setDone(adapter.name);
      setFolder('');
      onImported(adapter);
    }
  }

  if (models.length === 0) return <p className="field-hint">Import a base model first: an adapter is imported for one.</p>;
  return (
    <form className="form form-below" onSubmit={(e) => void onSubmit(e)} data-testid="adapter-import-form">
      <PathField
        id="adapter-import-path"
        label="Import a PEFT adapter folder"
        hint="A folder with adapter_config.json and adapter_model.safetensors (what peft's save_pretrained writes), on the computer the app runs on."
        placeholder="/home/me/adapters/my-lora"
        value={folder}
        onChange={setFolder}
        pick="folder"
        error={pathError}
        disabled={importAdapter.pending}
        testId="adapter-import-path"
      />
      <div className="field">
        <label className="field-label" htmlFor={baseId}>
          Base model it adapts
        </label>
        <select id={baseId} className="select" value={base} disabled={importAdapter.pending} onChange={(e) => setBase(e.target.value)} data-testid="adapter-import-base">
          {models.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={importAdapter.pending || folder.trim() === ''} data-testid="adapter-import">
          {importAdapter.pending ? 'Checking the adapter…' : 'Import adapter'}
        </button>
        {done && (
          <span className="form-note" role="status">
            Imported {done}.
          </span>
        )}
      </div>
      {importAdapter.error && !pathError && <ErrorMessage error={importAdapter.error} context="Could not import the adapter." />}
    </form>
  );
}
