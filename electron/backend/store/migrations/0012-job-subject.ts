import type { Migration } from '../migrations';

/** What a job is about (a datanet's id, `adapter:<name>`, …), so a dialog opened again finds the job it started. */
export const migration: Migration = {
  version: 12,
  name: 'job subject',
  sql: `
    ALTER TABLE jobs ADD COLUMN subject TEXT;
    CREATE INDEX jobs_by_subject ON jobs (kind, subject, created_at DESC);
  `,
};
