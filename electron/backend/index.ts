import path from 'node:path';
import type { Runtime } from '../../shared/api/schemas/system';
import { createRouter, type Handlers, type Router } from '../api/router';
import { assistApp } from './assist/app';
import { attributionApp } from './attribution/app';
import { InfluenceService } from './attribution/influence-store';
import { AttributionService } from './attribution/service';
import { SpanIndexService } from './attribution/span-index';
import { modelsApp } from './models/app';
import { registrationApp } from './models/registration-app';
import { ModelsService } from './models/service';
import { trainingApp } from './training/app';
import { inferenceApp } from './inference/app';
import { InferenceService } from './inference/service';
import { inferenceServerApp } from './inference/openai/app';
import { InferenceServerService } from './inference/openai/service';
import { TrainingService } from './training/service';
import { AssistService } from './assist/service';
import type { BackendContext } from './context';
import { browseApp } from './datanets/browse-app';
import { datanetsApp } from './datanets/app';
import { navigateApp } from './datanets/navigate-app';
import { openDatanets, type DatanetService } from './datanets/service';
import { createEventBus, type EventBus } from './events';
import { jobsApp } from './jobs/app';
import { ledgerApp, ledgerStatus } from './ledger/app';
import { rewardsApp } from './ledger/rewards-app';
import { LedgerService } from './ledger/service';
import { JobRunner } from './jobs/runner';
import { createLogger, type Logger } from './log';
import { settingsApp } from './settings/app';
import { readSettings, writeSettings } from './settings/settings';
import { statusApp } from './status/app';
import { currentStatus } from './status/status';
import { storeApp } from './store/app';
import { lockDataDir } from './store/data-dir';
import { startCheckpointer } from './store/checkpointer';
import { openDatabase } from './store/database';
import { systemApp } from './system/app';

export interface Backend {
  readonly dataDir: string;
  readonly router: Router;
  readonly events: EventBus;
  readonly jobs: JobRunner;
  readonly log: Logger;
  readonly datanets: DatanetService;
  readonly ledger: LedgerService;
  /** Stop running jobs (they read "interrupted" at next start), close the database, release the folder. */
  close(): Promise<void>;
}

export interface BackendOptions {
  dataDir: string;
  runtime: Runtime;
  /** Keep warnings off stderr (tests, `--json` output). */
  quiet?: boolean;
  /** Seconds between ledger sync passes while records wait; 0: only when asked (the CLI, tests). */
  syncIntervalSeconds?: number;
}

/** One backend per data folder, the same under Electron, `studio serve` and the tests. */
export function openBackend(options: BackendOptions): Backend {
  const dataDir = path.resolve(options.dataDir);
  const release = lockDataDir(dataDir);
  try {
    const log = createLogger(dataDir, { quiet: options.quiet ?? false });
    const dbFile = path.join(dataDir, 'studio.db');
    const db = openDatabase(dbFile);
    const checkpointer = startCheckpointer(db, dbFile, (message) => log.warn(message));
    const bus = createEventBus((error) => log.error('An event listener failed', error));
    let statusChanged = () => {};
    const jobs = new JobRunner({
      db,
      log,
      onUpdate: (job) => bus.emit('job.updated', job),
      onRunningChanged: () => statusChanged(),
    });
    const interrupted = jobs.markInterrupted();
    if (interrupted > 0) log.warn(`${interrupted} job(s) were interrupted when the app last stopped`);
    let ledgerSync: BackendContext['ledgerSync'] = () => ({ state: 'idle', message: null, lastSyncAt: null });
    const ctx: BackendContext = { dataDir, runtime: options.runtime, db, bus, jobs, log, statusChanged: () => statusChanged(), ledgerSync: () => ledgerSync() };
    statusChanged = () => bus.emit('status.changed', currentStatus(ctx));

    const datanets = openDatanets(db, dataDir);
    const assist = new AssistService({ dataDir, datanets, jobs, log });
    const models = new ModelsService(dataDir);
    const training = new TrainingService({ dataDir, datanets, models, jobs });
    const inference = new InferenceService({ models, bus });
    const inferenceServer = new InferenceServerService({ models });
    const ledger = new LedgerService({
      db,
      dataDir,
      network: () => readSettings(db, log).ledger,
      saveAddresses: (contracts) => {
        const network = readSettings(db, log).ledger;
        if (network.kind === 'rpc') writeSettings(db, { ledger: { ...network, contracts } });
      },
      onChange: () => statusChanged(),
      syncIntervalSeconds: options.syncIntervalSeconds,
    });
    const spanIndexes = new SpanIndexService({ dataDir, datanets, models, jobs });
    const influence = new InfluenceService({ dataDir, db, datanets, models, jobs });
    const attribution = new AttributionService({ db, dataDir, models, datanets, jobs, ledger, inference, spans: spanIndexes, influence });
    ledgerSync = () => {
      const { state, message, lastSyncAt } = ledger.syncStatus();
      return { state, message, lastSyncAt };
    };
    const handlers: Handlers = {
      ...systemApp(ctx),
      ...statusApp(ctx),
      ...settingsApp(ctx),
      ...jobsApp(ctx),
      ...storeApp(ctx),
      ...datanetsApp(ctx, datanets),
      ...assistApp(ctx, assist),
      ...modelsApp(models, jobs),
      ...trainingApp(training),
      ...inferenceApp(inference),
      ...inferenceServerApp(inferenceServer),
      ...browseApp(ctx, datanets),
      ...navigateApp(datanets),
      ...ledgerApp(ctx, ledger, datanets),
      ...rewardsApp(ctx, ledger),
      ...registrationApp(db, models, datanets, ledger, () => ledgerStatus(ctx, ledger)),
      ...attributionApp(spanIndexes, attribution),
    };
    let closed = false;
    return {
      dataDir,
      router: createRouter(handlers, log),
      events: bus,
      jobs,
      log,
      datanets,
      ledger,
      async close() {
        if (closed) return;
        closed = true;
        // Each part closes even when one before it fails: the database and the folder's lock
        // must always be released, or the process lingers and the next start is refused.
        const problems: unknown[] = [];
        const step = async (close: () => unknown) => {
          try {
            await close();
          } catch (error) {
            problems.push(error);
          }
        };
        await step(() => jobs.shutdown());
        await step(() => assist.close());
        await step(() => inferenceServer.close());
        await step(() => inference.close());
        await step(() => influence.close());
        await step(() => ledger.close());
        await step(() => datanets.close());
        await step(() => checkpointer.close());
        await step(() => db.close());
        release();
        if (problems.length > 0) throw new AggregateError(problems, `Closing the backend: ${problems.map((p) => (p instanceof Error ? p.message : String(p))).join('; ')}`);
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
