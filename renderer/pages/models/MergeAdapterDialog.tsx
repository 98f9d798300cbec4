import { useState } from 'react';
import type { Adapter, LanguageModel } from '../../../shared/api/schemas/models';
import { useAction } from '../../api';
import { ActionFooter } from '../../components/ActionFooter';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';

/** Merge an adapter into its base model and install the result as a new base model. */
export function MergeAdapterDialog({ adapter, onClose, onMerged }: { adapter: Adapter; onClose: () => void; onMerged: (model: LanguageModel) => void }) {
  const merge = useAction('adapters.merge');
  const [name, setName] = useState(`${adapter.base}-${adapter.name}`.slice(0, 100));
  const err = merge.error?.error;
  const nameError = err?.code === 'invalid_input' || err?.code === 'conflict' ? err : undefined;
  const done = merge.data;
  return (
    <Dialog
      open
      title={`Merge ${adapter.name} into ${adapter.base}`}
      onClose={onClose}
      testId="merge-adapter-dialog"
      footer={
        <ActionFooter
          done={done !== undefined}
          pending={merge.pending}
          disabled={name.trim() === ''}
          label="Merge"
          pendingLabel="Merging…"
          onStart={() =>
            void merge.run({ adapter: adapter.name, name: name.trim() }).then((m) => {
              if (m) onMerged(m);
            })
          }
          onClose={onClose}
          testId="merge-adapter-start"
        />
      }
    >
      <div className="form">
        <div className="field">
          <label className="field-label" htmlFor="merge-adapter-name">
            New base model&apos;s name
          </label>
          <span className="field-hint" id="merge-adapter-hint">
            Each adapted weight becomes W + (α/r)·B·A, as PEFT&apos;s merge_and_unload does: the new model answers as the adapter does, with no adapter, in
            this app and in any tool that reads a Hugging Face folder. It takes the base model&apos;s disk space again.
          </span>
          <input
            id="merge-adapter-name"
            className="input mono"
            value={name}
            disabled={merge.pending || done !== undefined}
            data-testid="merge-adapter-name"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'merge-adapter-hint merge-adapter-error' : 'merge-adapter-hint'}
            onChange={(e) => setName(e.target.value)}
          />
          {nameError && (
            <p className="field-error" id="merge-adapter-error" role="alert">
              {nameError.message}
            </p>
          )}
        </div>
        {merge.error && !nameError && <ErrorMessage error={merge.error} context="Could not merge the adapter." />}
        {done && (
          <p role="status" className="form-note" data-testid="merge-adapter-done">
            Installed <span className="mono">{done.name}</span> as a base model.
          </p>
        )}
      </div>
    </Dialog>
  );
}
