import { z } from 'zod';
import { Timestamp } from './common';

export const JobId = z.string().regex(/^job_[0-9a-z]{10,40}$/, 'is not a job id (job_…)');

export const JobProgress = z.object({
  /** Units done so far (files, bytes, steps: see `unit`). */
  done: z.number().nonnegative(),
  /** Null while the total is not known yet. */
  total: z.number().nonnegative().nullable(),
  unit: z.string(),
  /** Units per second, smoothed; null until there is enough to measure. */
  rate: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** What it is doing right now, e.g. the file being read. */
  detail: z.string().nullable(),
  /** Named tallies beside `done` (an import: files, items, duplicates, errors). */
  counts: z.record(z.string(), z.number()),
});
export type JobProgress = z.infer<typeof JobProgress>;

const jobBase = {
  id: JobId,
  kind: z.string(),
  /**
   * What the job is about, so a form opened again finds the job it started: a datanet's id (an
   * import, export or version), `model:<name>` or `adapter:<name>` (a GGUF export); null for
   * jobs about nothing in particular (a backup) and for jobs recorded before subjects existed.
   */
  subject: z.string().nullable(),
  title: z.string(),
  progress: JobProgress,
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** A job's error exists only when it failed; a job that was running when the app stopped reads "interrupted". */
export const Job = z.discriminatedUnion('state', [
  z.object({ ...jobBase, state: z.literal('running') }),
  z.object({ ...jobBase, state: z.literal('succeeded'), result: z.string().nullable() }),
  z.object({ ...jobBase, state: z.literal('failed'), error: z.string() }),
  z.object({ ...jobBase, state: z.literal('cancelled') }),
  z.object({ ...jobBase, state: z.literal('interrupted') }),
]);
export type Job = z.infer<typeof Job>;
export type JobState = Job['state'];
export const JobState = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);

export const JobsListInput = z
  .object({
    state: JobState.optional(),
    /** Only jobs of this kind (`datanet.export`, …). */
    kind: z.string().min(1).max(100).optional(),
    /** Only jobs about this subject (see `Job.subject`). */
    subject: z.string().min(1).max(300).optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();

export const JobRef = z.object({ id: JobId }).strict();
