import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { Job } from '../../../shared/api';
import type { EmbeddingModel } from '../../../shared/api/schemas/assist';
import { formatBytes } from '../../../shared/format';
import { useAction, useCall, useEvent } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JobProgress } from '../../components/JobProgress';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { useHashRoute } from '../../hooks/useHashRoute';
import { useHubDownload } from '../../hooks/useHubDownload';
import { useTrackedJob } from '../../hooks/useTrackedJob';
import { assistLinkTarget } from './assist-link';
import { FieldError } from './FieldError';
import './AssistSection.css';

/**
 * Settings → Assist: the local embedding models (import a folder, download from the Hugging Face
 * hub, choose, remove) and the embeddings each datanet needs before assist can answer.
 */
export function AssistSection() {
  const models = useCall('assist.models.list', {});
  const { reload } = models;
  useEvent('job.updated', (job) => {
    if (job.kind === 'assist.download' && job.state === 'succeeded') reload();
  });
  // Read with the route: useHashRoute re-renders this section whenever the hash changes.
  useHashRoute();
  const linked = assistLinkTarget(location.hash);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!linked.show) return;
    // On the next frame: App focuses the page's h1 on a page change, in an effect that runs after
    // this one, and would take focus (and the scroll) back to the top.
    const frame = requestAnimationFrame(() => {
      const heading = box.current?.querySelector<HTMLElement>('h2');
      if (!heading) return;
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
      // The whole card at the top, its border above the heading too.
      box.current?.scrollIntoView({ block: 'start' });
    });
    return () => cancelAnimationFrame(frame);
  }, [linked.show, linked.datanet]);
  return (
    // A box to find the heading in when a link lands here (assist-link.ts): Section takes no ref.
    <div ref={box} className="assist-landing">
      <Section
        title="Assist"
        testId="assist-section"
        description="A local embedding model suggests labels from similar labeled items, warns about near-duplicates and powers semantic search. It runs on this computer; nothing leaves it."
      >
        {models.data ? <ModelList models={models.data} onChange={models.setData} /> : <CallFallback call={models} what="the embedding models" />}
        <ImportForm onImported={reload} />
        <DownloadForm />
        {/* Keyed: a link for another datanet chooses it afresh. */}
        {models.data && models.data.length > 0 && <ComputeEmbeddings key={linked.datanet} linked={linked.datanet} />}
      </Section>
    </div>
  );
}

function ModelList({ models, onChange }: { models: EmbeddingModel[]; onChange: (models: EmbeddingModel[]) => void }) {
  const activate = useAction('assist.models.activate');
  const remove = useAction('assist.models.remove');
  const [confirming, setConfirming] = useState<string | null>(null);
  // Which button takes focus as it mounts: the confirmation's Keep, opened from Remove…; Remove… again, after Keep or Escape.
  const focusNext = useRef<{ name: string; on: 'confirm' | 'remove' } | null>(null);
  const focusIf = (name: string, on: 'confirm' | 'remove') => (el: HTMLButtonElement | null) => {
    if (el && focusNext.current?.name === name && focusNext.current.on === on) {
      focusNext.current = null;
      el.focus();
    }
  };
  const confirm = (name: string) => {
    focusNext.current = { name, on: 'confirm' };
    setConfirming(name);
  };
  const keep = (name: string) => {
    focusNext.current = { name, on: 'remove' };
    setConfirming(null);
  };

  if (models.length === 0) {
    return (
      <p className="boxed-list-empty" data-testid="assist-models-empty">
        No embedding model is installed yet. Import a model folder below, or download one from the Hugging Face hub when this computer is online (for example{' '}
        <code>Xenova/all-MiniLM-L6-v2</code>, 23 MB).
      </p>
    );
  }
  const run = async (action: typeof activate | typeof remove, name: string) => {
    const out = await action.run({ name });
    if (out) onChange(out);
    setConfirming(null);
  };
  return (
    <div className="assist-models">
      <ul className="boxed-list" data-testid="assist-models">
        {models.map((m) => (
          <li key={m.name} className="boxed-row" data-testid="assist-model" data-name={m.name}>
            <div className="boxed-row-text">
              <span className="boxed-row-name">
                {m.name} {m.active && <span className="assist-active">In use</span>}
              </span>
              <span className="boxed-row-meta">
                {formatBytes(m.bytes)}
                {m.source && <> · {m.source.startsWith('hf:') ? `Hugging Face ${m.source.slice(3)}` : `from ${m.source}`}</>}
              </span>
            </div>
            <div className="boxed-row-actions">
              {!m.active && (
                <button type="button" className="button button-small" disabled={activate.pending} onClick={() => void run(activate, m.name)}>
                  Use
                </button>
              )}
              {confirming === m.name ? (
                // Focus moves to the confirmation's Keep (the Remove… button it replaces is gone, and Enter pressed twice must not
                // remove); Escape or Keep cancels it and focus goes back to Remove….
                <span
                  className="boxed-row-actions"
                  role="group"
                  aria-label={`Remove ${m.name}?`}
                  data-testid="assist-remove-confirmation"
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') keep(m.name);
                  }}
                >
                  <button
                    type="button"
                    className="button button-small button-danger"
                    data-testid="assist-remove-confirm"
                    disabled={remove.pending}
                    onClick={() => void run(remove, m.name)}
                  >
                    Remove {m.name} and its embeddings
                  </button>
                  <button ref={focusIf(m.name, 'confirm')} type="button" className="button button-small" data-testid="assist-remove-keep" onClick={() => keep(m.name)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button
                  ref={focusIf(m.name, 'remove')}
                  type="button"
                  className="button button-small"
                  data-testid="assist-remove"
                  onClick={() => confirm(m.name)}
                >
                  Remove…
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {activate.error && <ErrorMessage error={activate.error} context="Could not switch the model." />}
      {remove.error && <ErrorMessage error={remove.error} context="Could not remove the model." />}
    </div>
  );
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const importModel = useAction('assist.models.import');
  const [folder, setFolder] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const err = importModel.error?.error;
  const pathError = err?.code === 'invalid_input' ? err : undefined;

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    setDone(null);
    const model = await importModel.run({ path: folder.trim() });
    if (model) {
      setDone(model.name);
      setFolder('');
      onImported();
    }
  }

  return (
    <form className="form form-below" onSubmit={(e) => void onSubmit(e)} data-testid="assist-import-form">
      <div className="field">
        <label className="field-label" htmlFor="assist-import-path">
          Import a model folder
        </label>
        <span className="field-hint" id="assist-import-hint">
          The full path of a folder on the computer the app runs on, with config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx.
        </span>
        <input
          id="assist-import-path"
          className="input mono"
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="/home/me/models/all-MiniLM-L6-v2"
          value={folder}
          aria-invalid={pathError ? true : undefined}
          aria-describedby={pathError ? 'assist-import-hint assist-import-error' : 'assist-import-hint'}
          onChange={(e) => setFolder(e.target.value)}
        />
        {pathError && <FieldError error={pathError} id="assist-import-error" testId="assist-import-error" />}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={importModel.pending} data-testid="assist-import">
          {importModel.pending ? 'Checking the model…' : 'Import'}
        </button>
        {done && (
          <span className="form-note" role="status">
            Imported {done}.
          </span>
        )}
      </div>
      {importModel.error && !pathError && <ErrorMessage error={importModel.error} context="Could not import the model." />}
    </form>
  );
}

function DownloadForm() {
  const { job, error, repoError, running, start, cancel, cancelling } = useHubDownload('assist.models.download');
  const [repo, setRepo] = useState('Xenova/all-MiniLM-L6-v2');

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    await start(repo);
  }

  return (
    <form className="form form-below" onSubmit={(e) => void onSubmit(e)} data-testid="assist-download-form">
      <div className="field">
        <label className="field-label" htmlFor="assist-download-repo">
          Download from the Hugging Face hub
        </label>
        <span className="field-hint" id="assist-download-hint">
          A repository with ONNX weights, owner/name. Needs this computer to be online; an interrupted download resumes where it stopped.
        </span>
        <input
          id="assist-download-repo"
          className="input mono"
          required
          autoComplete="off"
          spellCheck={false}
          value={repo}
          aria-invalid={repoError ? true : undefined}
          aria-describedby={repoError ? 'assist-download-hint assist-download-error' : 'assist-download-hint'}
          onChange={(e) => setRepo(e.target.value)}
        />
        {repoError && <FieldError error={repoError} id="assist-download-error" />}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={running} data-testid="assist-download">
          Download
        </button>
        {job?.state === 'running' && (
          <button type="button" className="button" disabled={cancelling} onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      {error && !repoError && <ErrorMessage error={error} context="Could not start the download." />}
      {job && <JobOutcome job={job} what="The download" testId="assist-download-job" />}
    </form>
  );
}

/** `linked`: the datanet a link came from (assist-link.ts), chosen first while it exists. */
function ComputeEmbeddings({ linked }: { linked: string | null }) {
  const datanets = useCall('datanets.list', {});
  const [chosen, setChosen] = useState<string | null>(linked);
  const datanetId = (datanets.data?.some((d) => d.id === chosen) ? chosen : datanets.data?.[0]?.id) ?? null;

  if (!datanets.data) return <CallFallback call={datanets} what="the datanets" />;
  if (!datanetId) return <p className="field-hint">Create a datanet to compute its embeddings.</p>;
  return (
    <div className="form form-below" data-testid="assist-compute">
      <div className="field">
        <label className="field-label" htmlFor="assist-datanet">
          Embeddings of a datanet
        </label>
        <span className="field-hint" id="assist-datanet-hint">
          Assist needs each item embedded once; new items are added by computing again.
        </span>
        <select id="assist-datanet" className="select" aria-describedby="assist-datanet-hint" value={datanetId} onChange={(e) => setChosen(e.target.value)}>
          {datanets.data.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <EmbeddingStatus key={datanetId} datanetId={datanetId} />
    </div>
  );
}

function EmbeddingStatus({ datanetId }: { datanetId: string }) {
  const status = useCall('assist.status', { datanet: datanetId });
  const compute = useAction('assist.embeddings.compute');
  const { job, track } = useTrackedJob();
  const { reload } = status;
  useEvent('job.updated', (update) => {
    if (update.kind === 'assist.embeddings' && update.state !== 'running') reload();
  });
  // A job started elsewhere (another window) shows here too.
  const shown = job ?? status.data?.job ?? null;

  async function onCompute(): Promise<void> {
    const started = await compute.run({ datanet: datanetId });
    if (started) track(started);
  }

  if (!status.data) return <CallFallback call={status} what="the embedding status" />;
  const { embeddedCount, itemCount } = status.data;
  return (
    <>
      <div className="form-actions">
        <button type="button" className="button" data-testid="assist-compute-button" disabled={compute.pending || shown?.state === 'running' || itemCount === 0} onClick={() => void onCompute()}>
          {embeddedCount > 0 && embeddedCount < itemCount ? 'Embed the new items' : 'Compute embeddings'}
        </button>
        <span className="field-hint" data-testid="assist-embedded">
          {itemCount === 0 ? 'This datanet has no items yet.' : `${embeddedCount} of ${itemCount} items embedded.`}
        </span>
      </div>
      {compute.error && <ErrorMessage error={compute.error} context="Could not start computing embeddings." />}
      {shown && <JobOutcome job={shown} what="Computing embeddings" testId="assist-compute-job" />}
    </>
  );
}

/** A job as it is now: its progress bar while it runs, then its result or why it stopped. */
function JobOutcome({ job, what, testId }: { job: Job; what: string; testId: string }) {
  return (
    <div className="assist-job" data-testid={testId} data-state={job.state} role="status">
      {job.state === 'running' && <JobProgress title={job.title} progress={job.progress} />}
      {job.state === 'succeeded' && (
        <p className="result-line">
          <StatusBadge status="ok" />
          <span>{job.result ?? `${what} finished.`}</span>
        </p>
      )}
      {job.state === 'failed' && (
        <p className="result-line">
          <StatusBadge status="error" />
          <span>
            {what} failed: {job.error}
          </span>
        </p>
      )}
      {job.state === 'cancelled' && <p className="result-line">{what} was cancelled; start it again to resume.</p>}
      {job.state === 'interrupted' && <p className="result-line">{what} was interrupted when the app stopped; start it again to resume.</p>}
    </div>
  );
}
