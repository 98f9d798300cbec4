import { useId, useState } from 'react';
import { submitOnCtrlEnter } from '../../../components/ctrl-enter';
import type { DatanetSummary } from '../../../../shared/api';
import { ApiFailure } from '../../../../shared/api/errors';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { JobProgress } from '../../../components/JobProgress';
import { PathField } from '../../../components/PathField';
import { useJobStart } from '../../../hooks/useJobStart';
import { JobFormActions } from '../JobFormActions';
import './export.css';

type Format = 'jsonl' | 'csv' | 'labelstudio' | 'hf';

const FORMATS: readonly { value: Format; label: string; hint: string; what: 'file' | 'folder'; ext: string }[] = [
  { value: 'jsonl', label: 'JSON Lines', hint: 'one item a line with its labels; imports back exactly', what: 'file', ext: '.jsonl' },
  { value: 'csv', label: 'CSV', hint: 'one row per item, a column per label', what: 'file', ext: '.csv' },
  { value: 'labelstudio', label: 'Label Studio JSON', hint: 'tasks with annotations, to open in Label Studio', what: 'file', ext: '.json' },
  { value: 'hf', label: 'Hugging Face folder', hint: 'data/train.jsonl (and test), a README dataset card', what: 'folder', ext: '' },
];

/** Export the datanet's items and current labels to a file or folder on the backend's machine, as a job. */
export function ExportPanel({ datanet }: { datanet: DatanetSummary }) {
  // Opened again while an export of this datanet runs, it shows that export, not an idle form.
  const exp = useJobStart('exports.start', datanet.id);
  const [format, setFormat] = useState<Format>('jsonl');
  const [out, setOut] = useState('');
  const [testPercent, setTestPercent] = useState('10');
  // An ended export's outcome is about the choices it ran with: once they are changed, it goes, so
  // "Exported … .jsonl" does not stand beside a Hugging Face folder chosen since.
  const edit = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    exp.forgetEnded();
  };
  const formatName = useId();
  const testId = useId();
  const chosen = FORMATS.find((f) => f.value === format)!;
  const { job } = exp;
  const err = exp.error?.error;
  const pathError = err?.code === 'invalid_input' && err.field === 'out' ? err : undefined;
  const testFraction = Number(testPercent) / 100;
  const testValid = format !== 'hf' || (testPercent.trim() !== '' && testFraction >= 0 && testFraction <= 0.9);

  function submit(): void {
    if (out.trim() === '' || !testValid) return;
    void exp.start({ datanet: datanet.id, format, out: out.trim(), testFraction: format === 'hf' ? testFraction : 0 });
  }

  const stem = datanet.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'datanet';
  return (
    <form
      className="form export-panel"
      data-testid="export-panel"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      // Enter in the path submits by itself; Ctrl/⌘+Enter does from anywhere, the radios included.
      onKeyDown={submitOnCtrlEnter(submit)}
    >
      <p className="export-what">
        Every item of {datanet.name} ({datanet.itemCount.toLocaleString()}) with its current labels. Images are copied next to the file.
      </p>
      <fieldset className="radio-group" disabled={exp.busy}>
        <legend className="field-label">Format</legend>
        {FORMATS.map((f) => (
          <label key={f.value} className="radio export-format">
            <input type="radio" name={formatName} value={f.value} checked={format === f.value} onChange={() => edit(setFormat)(f.value)} data-testid={`export-format-${f.value}`} />
            <span>
              <strong>{f.label}</strong> <span className="muted">— {f.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {/* The dialog opens on the path to type: the format has a default, the path has none. */}
      <div data-autofocus>
        <PathField
          id="export-path"
          label={chosen.what === 'folder' ? 'Folder to write' : 'File to write'}
          hint={
            chosen.what === 'folder'
              ? 'A folder on the computer the app runs on; made if missing. Files of an earlier export there are replaced.'
              : 'A file on the computer the app runs on; its folder is made if missing. A file already there is replaced.'
          }
          placeholder={`/home/me/exports/${stem}${chosen.ext}`}
          value={out}
          onChange={edit(setOut)}
          pick={chosen.what === 'folder' ? 'folder' : undefined}
          error={pathError}
          disabled={exp.busy}
          testId="export-path"
        />
      </div>
      {format === 'hf' && (
        <div className="field">
          <label className="field-label" htmlFor={testId}>
            Test split
          </label>
          <span className="export-percent">
            <input
              id={testId}
              className="input"
              type="number"
              min={0}
              max={90}
              step={1}
              value={testPercent}
              disabled={exp.busy}
              aria-invalid={testValid ? undefined : true}
              aria-describedby={`${testId}-hint`}
              data-testid="export-test-percent"
              onChange={(e) => edit(setTestPercent)(e.target.value)}
            />
            <span id={`${testId}-hint`} className={testValid ? 'field-hint' : 'field-error'}>
              {testValid ? '% of the items, in data/test.jsonl (0: no test split)' : 'From 0 to 90 percent.'}
            </span>
          </span>
        </div>
      )}
      <JobFormActions
        label="Export"
        busyLabel="Exporting…"
        busy={exp.busy}
        disabled={out.trim() === '' || !testValid}
        testId="export-start"
        job={job}
        startError={exp.error && !pathError && <ErrorMessage error={exp.error} context="The export did not start." testId="export-error" />}
      />
      {job && (
        <div role="status" data-testid="export-job" data-state={job.state}>
          {/* Found on opening: its title names the format, which the radios above may not show. */}
          {job.state === 'running' && <JobProgress title={exp.found ? job.title : 'Exporting'} progress={job.progress} />}
          {job.state === 'succeeded' && (
            <p className="form-note" data-testid="export-done">
              Exported {job.result ? <span className="mono export-result">{job.result}</span> : 'the datanet'}.
            </p>
          )}
          {job.state === 'failed' && (
            <ErrorMessage error={new ApiFailure({ code: 'unavailable', message: job.error })} context="The export failed." testId="export-failed" />
          )}
          {(job.state === 'cancelled' || job.state === 'interrupted') && <p className="muted">The export stopped; nothing was left at that path.</p>}
          {exp.found && (
            <p className="field-hint" data-testid="export-found">
              Started before this dialog was opened; the choices above are for the next export.
            </p>
          )}
        </div>
      )}
    </form>
  );
}
