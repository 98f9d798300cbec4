import { useEffect, useId, useRef, useState } from 'react';
import type { Datanet, ImportRecord, Job } from '../../../shared/api';
import { ApiFailure } from '../../../shared/api/errors';
import { toFailure, useApi, useCall } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { useTrackedJob } from '../../hooks/useTrackedJob';
import { ImportDropZone } from './ImportDropZone';
import { ImportErrors } from './ImportErrors';
import { ImportHistory } from './ImportHistory';
import { ImportJobProgressView, UploadProgressView } from './ImportProgressView';
import { EMPTY_SELECTION, selectionSize, type ImportSelection } from './import-sources';
import { discardUpload, uploadFiles, type UploadProgress } from './upload';
import './import.css';

const FORMATS = [
  ['auto', 'Automatic (by file extension)'],
  ['text', 'Text (one item per file)'],
  ['jsonl', 'JSON Lines'],
  ['csv', 'CSV'],
  ['images', 'Images'],
  ['labelstudio', 'Label Studio export'],
  ['hf', 'Hugging Face dataset'],
] as const;
type Format = (typeof FORMATS)[number][0];

/** Where the panel is: choosing what to import, uploading it (browser), starting, or following the import's job. */
type Stage =
  | { step: 'choose' }
  | { step: 'uploading'; progress: UploadProgress; startedAt: number; seconds: number }
  | { step: 'starting' }
  | { step: 'following'; importId: string; label: string }
  | { step: 'failed'; failure: ApiFailure };

const n = new Intl.NumberFormat();

/**
 * Import into one datanet: files and folders by drop or picker, the format and an optional field
 * mapping, then one progress bar through upload (in a browser) and import, Cancel, the problems
 * found, and Resume for imports that did not finish. Mounted by the datanets list and the dataset view.
 */
export function ImportPanel({ datanet }: { datanet: Datanet }) {
  const client = useApi();
  const imports = useCall('imports.list', { datanet: datanet.id });
  const { job, track } = useTrackedJob();
  const [selection, setSelection] = useState<ImportSelection>(EMPTY_SELECTION);
  const [format, setFormat] = useState<Format>('auto');
  const [map, setMap] = useState<Record<string, string>>({});
  const [stage, setStage] = useState<Stage>({ step: 'choose' });
  /** The job a Cancel was sent for; it reads "Cancelling…" until the job says it stopped. */
  const [cancelled, setCancelled] = useState<string | null>(null);
  const uploadAbort = useRef<AbortController | null>(null);
  const formatId = useId();

  // Opened while an import of this datanet runs (the panel was closed and opened again): follow it.
  const running = imports.data?.find((r) => r.state === 'running' && r.jobId);
  const runningId = stage.step === 'choose' ? (running?.id ?? null) : null;
  useEffect(() => {
    if (!runningId) return;
    let current = true;
    client.call('jobs.list', { state: 'running' }).then(
      (jobs) => {
        const found = jobs.find((j) => j.id === imports.data?.find((r) => r.id === runningId)?.jobId);
        if (!current || !found) return;
        track(found);
        setStage({ step: 'following', importId: runningId, label: 'Importing' });
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, runningId, imports.data, track]);

  // When the followed job ends, its import row has its final counts.
  const ended = job !== null && job.state !== 'running';
  const { reload } = imports;
  useEffect(() => {
    if (ended) reload();
  }, [ended, job?.id, reload]);

  async function start(): Promise<void> {
    let paths: readonly string[];
    let uploadId: string | null = null;
    if (selection.kind === 'paths') paths = selection.paths;
    else {
      const abort = new AbortController();
      uploadAbort.current = abort;
      const startedAt = Date.now();
      setStage({ step: 'uploading', progress: { sentBytes: 0, totalBytes: 0, filesDone: 0, filesTotal: selection.files.length }, startedAt, seconds: 0 });
      try {
        const upload = await uploadFiles(selection.files, (progress) => setStage((s) => (s.step === 'uploading' ? { ...s, progress, seconds: (Date.now() - s.startedAt) / 1000 } : s)), abort.signal);
        paths = [upload.path];
        uploadId = upload.id;
      } catch (error) {
        // Cancelled: back to the same selection, so Start tries again.
        if (abort.signal.aborted) setStage({ step: 'choose' });
        else setStage({ step: 'failed', failure: new ApiFailure({ code: 'unavailable', message: `The upload failed: ${(error as Error).message}` }) });
        return;
      } finally {
        uploadAbort.current = null;
      }
    }
    setStage({ step: 'starting' });
    const cleanMap = Object.fromEntries(Object.entries(map).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    try {
      const started = await client.call('imports.start', { datanet: datanet.id, paths: [...paths], format, map: cleanMap });
      track(started.job);
      setStage({ step: 'following', importId: started.import.id, label: uploadId ? 'Step 2 of 2: importing' : 'Importing' });
      setSelection(EMPTY_SELECTION);
      imports.reload();
    } catch (error) {
      if (uploadId) discardUpload(uploadId);
      setStage({ step: 'failed', failure: toFailure(error) });
    }
  }

  async function resume(record: ImportRecord): Promise<void> {
    setStage({ step: 'starting' });
    try {
      const resumed = await client.call('imports.resume', { import: record.id });
      track(resumed.job);
      setStage({ step: 'following', importId: record.id, label: 'Resuming the import' });
      imports.reload();
    } catch (error) {
      setStage({ step: 'failed', failure: toFailure(error) });
    }
  }

  function cancel(current: Job): void {
    setCancelled(current.id);
    client.call('jobs.cancel', { id: current.id }).catch((error: unknown) => {
      setCancelled(null);
      setStage({ step: 'failed', failure: toFailure(error) });
    });
  }

  const followed = stage.step === 'following' ? imports.data?.find((r) => r.id === stage.importId) : undefined;
  const busy = stage.step === 'uploading' || stage.step === 'starting' || (stage.step === 'following' && job?.state === 'running');
  const fields = datanet.schema.fields;

  return (
    <div className="import-panel" data-testid="import-panel">
      <ImportDropZone selection={selection} onChange={setSelection} disabled={busy} />
      <div className="import-options">
        <label className="field" htmlFor={formatId}>
          <span className="field-label">Format</span>
          <select id={formatId} className="select" value={format} disabled={busy} data-testid="import-format" onChange={(e) => setFormat(e.target.value as Format)}>
            {FORMATS.map(([value, title]) => (
              <option key={value} value={value}>
                {title}
              </option>
            ))}
          </select>
        </label>
        <details className="import-mapping">
          <summary>Field mapping (optional)</summary>
          <p className="field-hint">
            Which column or key of your files holds the item&apos;s text and each field&apos;s label. Left empty, a column with the
            field&apos;s own name is used.
          </p>
          <div className="import-mapping-grid">
            {['text', ...fields.map((f) => f.name)].map((target) => (
              <label key={target} className="import-mapping-row">
                <span className="mono">{target}</span>
                <input
                  className="input"
                  value={map[target] ?? ''}
                  placeholder={target}
                  disabled={busy}
                  spellCheck={false}
                  data-testid={`import-map-${target}`}
                  onChange={(e) => setMap({ ...map, [target]: e.target.value })}
                />
              </label>
            ))}
          </div>
        </details>
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          data-testid="import-start"
          disabled={busy || selectionSize(selection) === 0}
          onClick={() => void start()}
        >
          Start import
        </button>
        {selectionSize(selection) === 0 && !busy && <span className="field-hint">Drop or choose files first.</span>}
      </div>

      {stage.step === 'uploading' && <UploadProgressView progress={stage.progress} seconds={stage.seconds} onCancel={() => uploadAbort.current?.abort()} />}
      {stage.step === 'starting' && <Spinner label="Starting the import…" />}
      {stage.step === 'failed' && <ErrorMessage error={stage.failure} context="The import did not start." testId="import-failed" />}
      {stage.step === 'following' && job?.state === 'running' && (
        <ImportJobProgressView job={job} step={stage.label} onCancel={() => cancel(job)} cancelling={cancelled === job.id} />
      )}
      {stage.step === 'following' && ended && <ImportOutcome job={job} record={followed} onResume={(r) => void resume(r)} />}

      {imports.error && <ErrorMessage error={imports.error} context="Could not load the earlier imports." onRetry={imports.reload} />}
      <ImportHistory
        imports={(imports.data ?? []).filter((r) => !(stage.step === 'following' && r.id === stage.importId) && r.state !== 'running')}
        onResume={(r) => void resume(r)}
        busy={busy}
      />
    </div>
  );
}

/** How the followed import ended, with its problems listed. */
function ImportOutcome({ job, record: listed, onResume }: { job: Job; record: ImportRecord | undefined; onResume: (r: ImportRecord) => void }) {
  // The list is reloaded when the job ends; until then its row still reads running, and the job's last counts are the truth.
  const record = listed?.state === 'running' ? undefined : listed;
  const items = record?.itemsAdded ?? job.progress.counts.items ?? 0;
  const duplicates = record?.itemsDuplicate ?? job.progress.counts.duplicates ?? 0;
  const added = `${n.format(items)} ${items === 1 ? 'item' : 'items'} added${duplicates ? `, ${n.format(duplicates)} already there` : ''}`;
  const resumable = record && record.state !== 'done' && record.state !== 'running';
  const problems = record?.errors ?? 0;
  // Finished, but something was left out: not the all-clear green.
  const tone = job.state === 'succeeded' && problems > 0 ? 'with-problems' : job.state;
  return (
    <div className="import-outcome" data-testid="import-outcome" data-state={job.state} role="status">
      <p className={`import-outcome-line import-outcome-${tone}`}>
        {job.state === 'succeeded' && problems === 0 && `Import finished: ${added}.`}
        {job.state === 'succeeded' && problems > 0 && `Import finished with ${problems === 1 ? '1 problem' : `${n.format(problems)} problems`} (listed below): ${added}.`}
        {job.state === 'cancelled' && `Import cancelled: ${added} so far. Resume finishes it without duplicates.`}
        {job.state === 'interrupted' && `The import was interrupted when the app stopped: ${added} so far.`}
        {job.state === 'failed' && `The import failed: ${job.error}. ${added} before it stopped.`}
        {resumable && (
          <button type="button" className="button button-small" data-testid="import-outcome-resume" onClick={() => onResume(record)}>
            Resume
          </button>
        )}
      </p>
      {record && <ImportErrors importId={record.id} importPaths={record.paths} total={record.errors} />}
    </div>
  );
}
