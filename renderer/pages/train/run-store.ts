/**
 * The runs this app started, kept in localStorage: the exact input (so Resume can start the same
 * run again after a cancel or a restart), the loss curve as it was drawn, and the last state seen.
 * The backend keeps the run itself (its folder and checkpoints); this is what the page needs to
 * show and resume it. One store for every window of the app (they share the origin's storage).
 */
import type { RunRecord } from './run-points';

const KEY = 'studio.train.runs.v1';
const MAX_RUNS = 40;

let cache: RunRecord[] | null = null;
const listeners = new Set<() => void>();

function isRecord(v: unknown): v is RunRecord {
  const r = v as Partial<RunRecord> | null;
  return typeof r?.out === 'string' && Array.isArray(r.jobIds) && Array.isArray(r.points) && Array.isArray(r.evals) && typeof r.state === 'string';
}

function load(): RunRecord[] {
  if (cache) return cache;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    cache = Array.isArray(parsed) ? parsed.filter(isRecord) : [];
  } catch {
    cache = [];
  }
  return cache;
}

function save(next: RunRecord[]): void {
  cache = next;
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or off: the runs still show in this window until it closes.
  }
  for (const l of listeners) l();
}

// Another window of the app wrote the runs: read them again.
if (typeof addEventListener === 'function') {
  addEventListener('storage', (e) => {
    if (e.key !== KEY) return;
    cache = null;
    for (const l of listeners) l();
  });
}

export const runStore = {
  /** Newest first; the same array until something changes (for useSyncExternalStore). */
  all: (): RunRecord[] => load(),
  get: (out: string): RunRecord | undefined => load().find((r) => r.out === out),
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  /** Create or change the run named `out`; it moves to the front. */
  update: (out: string, change: (current: RunRecord | undefined) => RunRecord): RunRecord => {
    const runs = load();
    const next = change(runs.find((r) => r.out === out));
    save([next, ...runs.filter((r) => r.out !== out)].slice(0, MAX_RUNS));
    return next;
  },
  remove: (out: string): void => save(load().filter((r) => r.out !== out)),
};

