import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Job } from '../../shared/api';
import type { ApiFailure } from '../../shared/api/errors';
import { toFailure, useApi, useCall, useEvent } from '../api';
import { CallFallback } from '../components/CallFallback';
import { EmptyState } from '../components/EmptyState';
import { ErrorMessage } from '../components/ErrorMessage';
import { TrainIcon } from '../components/icons';
import { Page } from '../components/Page';
import { Section } from '../components/Section';
import { pageHref } from '../route';
import { historyRows, measuredRuns } from './train/history';
import { LiveRun } from './train/LiveRun';
import { followRun, runOfJob } from './train/run-recorder';
import { newRecord, recordFromRun, shownRecord, type TrainInput } from './train/run-points';
import { runStore } from './train/run-store';
import { RunHistory } from './train/RunHistory';
import { TrainForm } from './train/TrainForm';
import './train/train.css';

const JOBS = { limit: 200 } as const;

/** Fine-tune a LoRA adapter on a datanet version: settings and estimate, the live run, and the history of runs. */
export function TrainPage() {
  const client = useApi();
  const datanets = useCall('datanets.list', {});
  const models = useCall('models.list', {});
  const adapters = useCall('adapters.list', {});
  const jobs = useCall('jobs.list', JOBS);
  // The run folders, whoever started them: history, Resume and the curve up to the last checkpoint.
  const runs = useCall('training.runs', {});
  const records = useSyncExternalStore(runStore.subscribe, runStore.all);
  const [shown, setShown] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [resuming, setResuming] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  const setJobs = jobs.setData;
  const reloadAdapters = adapters.reload;
  const reloadRuns = runs.reload;
  useEvent('job.updated', (job) => {
    if (job.kind !== 'training') return;
    const before = (jobs.data ?? []).find((j) => j.id === job.id);
    setJobs((prev) => [job, ...(prev ?? []).filter((j) => j.id !== job.id)]);
    if (job.state === 'succeeded') reloadAdapters();
    // A run started elsewhere has a new folder; one that ended, a new state and checkpoint; one at
    // its first step has read its data, and its folder names the version it reads.
    if (!before || job.state !== 'running' || (before.progress.done === 0 && job.progress.done > 0)) reloadRuns();
  });

  const trainingJobs = (jobs.data ?? []).filter((j) => j.kind === 'training');
  // A run going on when the page opens (started before a reload, in another window, or on the command line) is followed too.
  const runningJobs = trainingJobs.filter((j) => j.state === 'running');
  const runningKey = runningJobs.map((j) => j.id).join(',');
  /** A run this window has not recorded, as the backend lists it: its curve so far, from its newest checkpoint. */
  const seedOf = (out: string, datanetName: string) => {
    const run = runs.data?.find((r) => r.out === out);
    return run ? recordFromRun(run, datanetName) : undefined;
  };
  useEffect(() => {
    // A resume's first event can come before training.start's reply (and so before started()): the curve so far is kept either way.
    for (const job of runningJobs) {
      const out = runOfJob(job);
      if (out) followRun(client, out, job, '', seedOf(out, ''));
    }
    // runningKey stands for runningJobs: follow each running job once, not on every progress event.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, runningKey]);

  const runningOut = runningJobs[0] ? runOfJob(runningJobs[0]) : null;
  const rows = historyRows(records, trainingJobs, adapters.data ?? [], datanets.data ?? [], runs.data ?? []);
  // The run chosen here, else the one going on, else the newest run (Resume after a restart).
  const currentOut = shown ?? runningOut ?? rows.find((r) => r.openable)?.out ?? null;
  const currentRow = rows.find((r) => r.out === currentOut);
  const currentRun = runs.data?.find((r) => r.out === currentOut);
  const current = currentOut ? shownRecord(records.find((r) => r.out === currentOut), currentRun, currentRow?.datanet ?? '') : undefined;
  // Its newest job: as events brought it, else as the run folder's listing named it.
  const currentJob =
    (currentOut ? trainingJobs.filter((j) => runOfJob(j) === currentOut).sort((a, b) => b.createdAt - a.createdAt)[0] : undefined) ?? currentRun?.job ?? null;

  function started(input: TrainInput, job: Job, datanetName: string): void {
    // A run this window has no record of (a resume of one started elsewhere) keeps its curve so far.
    const seed = seedOf(input.out, datanetName);
    runStore.update(input.out, (r) => (r ? { ...r, input, datanetName: r.datanetName || datanetName } : seed ? { ...seed, input } : newRecord(input.out, input, datanetName)));
    followRun(client, input.out, job, datanetName);
    setJobs((prev) => [job, ...(prev ?? []).filter((j) => j.id !== job.id)]);
    setShown(input.out);
  }

  async function resume(input: TrainInput): Promise<void> {
    setResuming(true);
    setFailure(null);
    try {
      const job = await client.call('training.start', input);
      started(input, job, runStore.get(input.out)?.datanetName ?? currentRow?.datanet ?? '');
    } catch (error) {
      setFailure(toFailure(error));
    } finally {
      setResuming(false);
    }
  }

  function cancel(job: Job): void {
    setCancelling(job.id);
    client.call('jobs.cancel', { id: job.id }).catch((error: unknown) => {
      setCancelling(null);
      setFailure(toFailure(error));
    });
  }

  const loading = !datanets.data || !models.data || !adapters.data;
  const taken = new Set([...(adapters.data ?? []).map((a) => a.name), ...records.map((r) => r.out), ...rows.map((r) => r.out)]);

  return (
    <Page id="train" title="Train" lead="Fine-tune a small LoRA adapter on a frozen datanet version, on this computer.">
      {current && (
        <Section title="Run" testId="train-run-section">
          <LiveRun
            record={current}
            job={currentJob}
            model={current.input?.model ?? currentRow?.model ?? null}
            cancelling={cancelling !== null && cancelling === currentJob?.id && currentJob.state === 'running'}
            onCancel={() => currentJob && cancel(currentJob)}
            onResume={currentRow?.resumeInput ? () => void resume(currentRow.resumeInput!) : null}
            resuming={resuming}
          />
          {failure && <ErrorMessage error={failure} context="That did not work." testId="train-run-error" />}
        </Section>
      )}
      <Section title="New run" testId="train-new-section">
        {loading ? (
          <CallFallback call={!datanets.data ? datanets : !models.data ? models : adapters} what="the datanets and models" />
        ) : models.data!.length === 0 ? (
          <EmptyState icon={TrainIcon} heading="No base model yet">
            <p>
              Training adapts a base language model. Import one on the <a href={pageHref('models')}>Models</a> page first.
            </p>
          </EmptyState>
        ) : datanets.data!.length === 0 ? (
          <EmptyState icon={TrainIcon} heading="No datanet yet">
            <p>
              Training learns from a frozen datanet version. Create a datanet on the <a href={pageHref('datanets')}>Datanets</a> page, label it, then freeze a version on the
              datanet&apos;s own page with Versions… in its header.
            </p>
          </EmptyState>
        ) : (
          <TrainForm
            datanets={datanets.data!}
            models={models.data!}
            takenNames={taken}
            measured={measuredRuns(records)}
            busy={runningJobs.length > 0}
            onStarted={started}
          />
        )}
      </Section>
      <Section title="History" testId="train-history-section" description="Runs started here and on the command line, and the installed adapters' training records.">
        {jobs.data && runs.data ? (
          <RunHistory rows={rows} openable={new Set(rows.filter((r) => r.openable).map((r) => r.out))} onOpen={setShown} />
        ) : (
          <CallFallback call={jobs.data ? runs : jobs} what="the runs" />
        )}
      </Section>
    </Page>
  );
}
