import { useId, useState, type SubmitEvent } from 'react';
import type { Adapter, LanguageModel } from '../../../shared/api/schemas/models';
import { useAction } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JobProgress } from '../../components/JobProgress';
import { PathField } from '../../components/PathField';
import { useJobStart } from '../../hooks/useJobStart';

type GgufType = 'f32' | 'f16' | 'q8_0';
const TYPES: { value: GgufType; label: string; hint: string }[] = [
  { value: 'f16', label: 'f16', hint: 'half the size of f32, practically the same outputs' },
  { value: 'q8_0', label: 'Q8_0', hint: 'about a quarter of f32; 8-bit blocks, outputs close to f32' },
  { value: 'f32', label: 'f32', hint: 'exactly what the app computes with; largest' },
];

/** What to export: a base model, or an adapter alone (a GGUF LoRA) or merged into its base. */
export type GgufTarget = { kind: 'model'; model: LanguageModel } | { kind: 'adapter'; adapter: Adapter };

/**
 * The path to write: what was typed, with .gguf appended when the name does not end in it. The
 * backend refuses any other name; appending here, in the field the user sees, is kinder than a
 * refusal for someone who is in a GGUF export and typed a name without its ending ("qwen-f16").
 * A name with another ending gets .gguf after it ("model.bin.gguf"), visibly, not a refusal.
 */
export function ggufPath(typed: string): string {
  const trimmed = typed.trim();
  return trimmed === '' || /\.gguf$/i.test(trimmed) ? trimmed : `${trimmed}.gguf`;
}

/**
 * One GGUF file for llama.cpp, Ollama and LM Studio, written by a job with a progress bar; the
 * output path is on the computer the app runs on and must not exist yet. Enter in the path field
 * starts the export (the fields are a form; the footer's Export button submits it).
 */
export function GgufExportDialog({ target, onClose }: { target: GgufTarget; onClose: () => void }) {
  const cancel = useAction('jobs.cancel');
  // Opened again while an export of this model or adapter runs, it shows that export, not an idle form.
  const exp = useJobStart('models.exportGguf', target.kind === 'model' ? `model:${target.model.name}` : `adapter:${target.adapter.name}`);
  const { job } = exp;
  const [type, setType] = useState<GgufType>('f16');
  const [merge, setMerge] = useState(false);
  const [file, setFile] = useState('');
  const typeName = useId();
  const mergeName = useId();
  const formId = useId();
  const name = target.kind === 'model' ? target.model.name : target.adapter.name;
  const running = exp.busy;
  const err = exp.error?.error;
  const pathError = err?.code === 'invalid_input' && err.field === 'path' ? err : undefined;

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    if (running || job?.state === 'succeeded' || file.trim() === '') return;
    const out = ggufPath(file);
    setFile(out);
    const input =
      target.kind === 'model'
        ? { model: target.model.name, type, path: out }
        : { model: target.adapter.base, adapter: target.adapter.name, merge, type, path: out };
    await exp.start(input);
  }

  return (
    <Dialog
      open
      title={`Export ${name} to GGUF`}
      onClose={onClose}
      testId="gguf-dialog"
      footer={
        <>
          {job?.state === 'running' ? (
            <button type="button" className="button" disabled={cancel.pending} onClick={() => void cancel.run({ id: job.id })}>
              Cancel export
            </button>
          ) : (
            <button type="button" className="button" onClick={onClose}>
              {job?.state === 'succeeded' ? 'Done' : 'Close'}
            </button>
          )}
          {job?.state !== 'succeeded' && (
            <button type="submit" form={formId} className="button button-primary" data-testid="gguf-start" disabled={running || file.trim() === ''}>
              Export
            </button>
          )}
        </>
      }
    >
      <form id={formId} className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        {target.kind === 'adapter' && (
          <fieldset className="radio-group" disabled={running}>
            <legend className="field-label">What to write</legend>
            <label className="radio">
              <input type="radio" name={mergeName} checked={!merge} onChange={() => setMerge(false)} data-testid="gguf-adapter-alone" />
              The adapter alone, as a GGUF LoRA (load it with {target.adapter.base} exported too)
            </label>
            <label className="radio">
              <input type="radio" name={mergeName} checked={merge} onChange={() => setMerge(true)} data-testid="gguf-merged" />
              {target.adapter.base} with the adapter merged in: one standalone model
            </label>
          </fieldset>
        )}
        <fieldset className="radio-group" disabled={running}>
          <legend className="field-label">Precision</legend>
          {TYPES.map((t) => (
            <label key={t.value} className="radio">
              <input type="radio" name={typeName} value={t.value} checked={type === t.value} onChange={() => setType(t.value)} data-testid={`gguf-type-${t.value}`} />
              <span>
                <strong>{t.label}</strong> <span className="muted">— {t.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <PathField
          id="gguf-path"
          label="File to write"
          hint="A new .gguf file on the computer the app runs on, in a folder that exists. A name that does not end in .gguf gets it added."
          placeholder={`/home/me/${name}-${type}.gguf`}
          value={file}
          onChange={setFile}
          error={pathError}
          disabled={running}
          testId="gguf-path"
        />
        {exp.error && !pathError && <ErrorMessage error={exp.error} context="The export did not start." testId="gguf-error" />}
        {job && (
          <div role="status" data-testid="gguf-job" data-state={job.state}>
            {job.state === 'running' && <JobProgress title={job.title} progress={job.progress} />}
            {job.state === 'succeeded' && (
              <p className="form-note">
                Wrote <span className="mono">{job.result}</span>.
              </p>
            )}
            {job.state === 'failed' && <p className="field-error">The export failed: {job.error}</p>}
            {(job.state === 'cancelled' || job.state === 'interrupted') && <p className="muted">The export stopped; nothing was left at that path.</p>}
            {exp.found && (
              <p className="field-hint" data-testid="gguf-found">
                Started before this dialog was opened; the choices above are for the next export.
              </p>
            )}
          </div>
        )}
      </form>
    </Dialog>
  );
}
