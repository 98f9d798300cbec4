import { useState, type SubmitEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JobProgress } from '../../components/JobProgress';
import { useOnline } from '../../hooks/useOnline';
import { useHubDownload } from '../../hooks/useHubDownload';

/** Download a base model from the Hugging Face hub as a job: progress, Cancel, and a resume that starts where it stopped. */
export function DownloadModelForm() {
  const { job, error, repoError, running, start, cancel, cancelling } = useHubDownload('models.download');
  const online = useOnline();
  const [repo, setRepo] = useState('');

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    await start(repo);
  }

  return (
    <form className="form form-below" onSubmit={(e) => void onSubmit(e)} data-testid="model-download-form">
      <div className="field path-field">
        <label className="field-label" htmlFor="model-download-repo">
          Download from the Hugging Face hub
        </label>
        <span className="field-hint" id="model-download-hint">
          A repository with safetensors weights, owner/name (for example Qwen/Qwen2.5-0.5B-Instruct). Checksums are checked; an interrupted download resumes
          where it stopped when started again.
        </span>
        <input
          id="model-download-repo"
          className="input mono"
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="Qwen/Qwen2.5-0.5B-Instruct"
          value={repo}
          disabled={running}
          data-testid="model-download-repo"
          aria-invalid={repoError ? true : undefined}
          aria-describedby={repoError ? 'model-download-hint model-download-error' : 'model-download-hint'}
          onChange={(e) => setRepo(e.target.value)}
        />
        {repoError && (
          <p className="field-error" id="model-download-error" role="alert">
            {repoError.message}
          </p>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={running || repo.trim() === ''} data-testid="model-download">
          {job && job.state !== 'running' && job.state !== 'succeeded' ? 'Resume download' : 'Download'}
        </button>
        {job?.state === 'running' && (
          <button type="button" className="button" disabled={cancelling} onClick={cancel}>
            Cancel
          </button>
        )}
        {!online && <span className="field-hint">This computer seems to be offline.</span>}
      </div>
      {error && !repoError && <ErrorMessage error={error} context="The download did not start." />}
      {job && (
        <div role="status" data-testid="model-download-job" data-state={job.state}>
          {job.state === 'running' && <JobProgress title={job.title} progress={job.progress} />}
          {job.state === 'succeeded' && <p className="form-note">{job.result ?? 'Downloaded and installed.'}</p>}
          {job.state === 'failed' && <p className="field-error">The download failed: {job.error}</p>}
          {(job.state === 'cancelled' || job.state === 'interrupted') && <p className="muted">The download stopped; Resume download goes on from the files already here.</p>}
        </div>
      )}
    </form>
  );
}
