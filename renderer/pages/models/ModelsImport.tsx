import { useState, type SubmitEvent } from 'react';
import type { LanguageModel } from '../../../shared/api/schemas/models';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PathField } from '../../components/PathField';

/** Import a base model: a Hugging Face folder on the backend's machine, checked before it is copied in. */
export function ImportModelForm({ onImported }: { onImported: (model: LanguageModel) => void }) {
  const importModel = useAction('models.import');
  const [folder, setFolder] = useState('');
  const [name, setName] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const err = importModel.error?.error;
  const fieldError = err?.code === 'invalid_input' ? err : undefined;

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    setDone(null);
    const model = await importModel.run({ path: folder.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
    if (model) {
      setDone(model.name);
      setFolder('');
      setName('');
      onImported(model);
    }
  }

  return (
    <form className="form form-below" onSubmit={(e) => void onSubmit(e)} data-testid="model-import-form">
      <PathField
        id="model-import-path"
        label="Import a base model folder"
        hint="A Hugging Face model folder (config.json, tokenizer.json, *.safetensors) on the computer the app runs on. GPT-2, Llama and Qwen2 architectures."
        placeholder="/home/me/models/Qwen2.5-0.5B-Instruct"
        value={folder}
        onChange={setFolder}
        pick="folder"
        error={fieldError?.field === 'name' ? undefined : fieldError}
        disabled={importModel.pending}
        testId="model-import-path"
      />
      <div className="field field-narrow-wide">
        <label className="field-label" htmlFor="model-import-name">
          Name <span className="muted">(optional)</span>
        </label>
        <input
          id="model-import-name"
          className="input mono"
          autoComplete="off"
          spellCheck={false}
          placeholder="the folder's name"
          value={name}
          disabled={importModel.pending}
          aria-invalid={fieldError?.field === 'name' ? true : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        {fieldError?.field === 'name' && <p className="field-error">{fieldError.message}</p>}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={importModel.pending || folder.trim() === ''} data-testid="model-import">
          {importModel.pending ? 'Checking and copying…' : 'Import model'}
        </button>
        {done && (
          <span className="form-note" role="status" data-testid="model-imported">
            Imported {done}.
          </span>
        )}
      </div>
      {importModel.error && !fieldError && <ErrorMessage error={importModel.error} context="Could not import the model." testId="model-import-error" />}
    </form>
  );
}
