// WAL checkpoints off the main thread. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, and each one ends in an fsync of the database file: on this machine a
// commit that checkpoints takes 100+ ms, during which the app answers nothing (measured by
// bench/import-responsiveness.ts). So the main connection never checkpoints; a worker thread
// with its own connection runs PASSIVE checkpoints (which never block a writer) every few seconds.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database';

const INTERVAL_MS = 2000;
/** What SQLite does by itself, restored when the worker cannot run. */
const FALLBACK_AUTOCHECKPOINT = 10_000;

// CommonJS, evaluated in the worker: it loads better-sqlite3 by the absolute path the main
// thread resolved, so it works from the bundle, the tests and a packaged app alike.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('busy_timeout = 1000');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message || error) });
  }
});
parentPort.postMessage({ ready: true });
`;

export interface CheckpointStats {
  /** Checkpoints the worker ran. */
  runs: number;
  /** Frames in the WAL and frames copied into the database, at the last run. */
  log: number;
  checkpointed: number;
  /** Whether checkpoints are in the worker (false: back on the main connection). */
  offThread: boolean;
}

export interface Checkpointer {
  stats(): CheckpointStats;
  /** Stops the worker; closing the main connection checkpoints what is left. */
  close(): Promise<void>;
}

/** Starts checkpointing `file` in a worker and turns the main connection's own checkpoints off. */
export function startCheckpointer(db: Db, file: string, onError: (message: string) => void): Checkpointer {
  const nativeBinding = process.env.STUDIO_SQLITE_BINDING;
  let worker: Worker;
  try {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file, nativeBinding } });
  } catch (error) {
    onError(`WAL checkpoints stay on the main thread: ${(error as Error).message}`);
    return { stats: () => ({ runs: 0, log: 0, checkpointed: 0, offThread: false }), close: () => Promise.resolve() };
  }
  let busy = false;
  const stats: CheckpointStats = { runs: 0, log: 0, checkpointed: 0, offThread: false };
  let timer: NodeJS.Timeout | undefined;
  const fallBack = (why: string) => {
    if (timer) clearInterval(timer);
    stats.offThread = false;
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
    onError(`WAL checkpoints moved back to the main thread: ${why}`);
  };
  worker.on('message', (m: { ready?: boolean; ok?: boolean; error?: string; log?: number; checkpointed?: number }) => {
    if (m.ready) {
      db.pragma('wal_autocheckpoint = 0');
      stats.offThread = true;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        worker.postMessage('checkpoint');
      }, INTERVAL_MS);
      timer.unref();
      return;
    }
    busy = false;
    if (m.ok) Object.assign(stats, { runs: stats.runs + 1, log: m.log ?? 0, checkpointed: m.checkpointed ?? 0 });
    if (m.ok === false && m.error && !/SQLITE_BUSY|database is locked/i.test(m.error)) onError(`A WAL checkpoint failed: ${m.error}`);
  });
  worker.on('error', (error) => fallBack(error.message));
  // After the listeners: adding a 'message' listener references the worker again, and a
  // referenced worker would keep the process alive after everything else is done.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stats: () => ({ ...stats }),
    async close() {
      if (timer) clearInterval(timer);
      // Referenced again while closing: with nothing else left, an unreferenced worker and timer
      // would let the process exit mid-await (code 13, "unsettled top-level await").
      worker.ref();
      worker.postMessage('close');
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((resolve) => (timeout = setTimeout(resolve, 2000)))]);
      clearTimeout(timeout);
      await worker.terminate();
    },
  };
}
