import { useState } from 'react';
import type { Adapter } from '../../../shared/api/schemas/models';
import { useAction } from '../../api';
import { ActionFooter } from '../../components/ActionFooter';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PathField } from '../../components/PathField';

/** Write an adapter as a PEFT folder that transformers and peft load (plus our lineage file). */
export function ExportPeftDialog({ adapter, onClose }: { adapter: Adapter; onClose: () => void }) {
  const exportAdapter = useAction('adapters.export');
  const [folder, setFolder] = useState('');
  const err = exportAdapter.error?.error;
  const pathError = err?.code === 'invalid_input' ? err : undefined;
  const done = exportAdapter.data;
  return (
    <Dialog
      open
      title={`Export ${adapter.name} as a PEFT folder`}
      onClose={onClose}
      testId="export-peft-dialog"
      footer={
        <ActionFooter
          done={done !== undefined}
          pending={exportAdapter.pending}
          disabled={folder.trim() === ''}
          label="Export"
          pendingLabel="Writing…"
          onStart={() => void exportAdapter.run({ name: adapter.name, path: folder.trim() })}
          onClose={onClose}
          testId="export-peft-start"
        />
      }
    >
      <div className="form">
        <PathField
          id="export-peft-path"
          label="Folder to write"
          hint="A new or empty folder on the computer the app runs on. It gets adapter_config.json, adapter_model.safetensors and the adapter's lineage."
          placeholder={`/home/me/adapters/${adapter.name}`}
          value={folder}
          onChange={setFolder}
          error={pathError}
          disabled={exportAdapter.pending || done !== undefined}
          testId="export-peft-path"
        />
        {exportAdapter.error && !pathError && <ErrorMessage error={exportAdapter.error} context="Could not export the adapter." />}
        {done && (
          <div role="status" data-testid="export-peft-done">
            <p className="form-note">
              Wrote <span className="mono">{done.path}</span>:
            </p>
            <ul className="models-files">
              {done.files.map((f) => (
                <li key={f} className="mono">
                  {f}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </Dialog>
  );
}
