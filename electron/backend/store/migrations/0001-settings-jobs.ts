import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 1,
  name: 'settings and jobs',
  sql: `
    CREATE TABLE settings (
      key        TEXT PRIMARY KEY,
      value      TEXT NOT NULL CHECK (json_valid(value)),
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE jobs (
      id          TEXT PRIMARY KEY,
      kind        TEXT NOT NULL,
      title       TEXT NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('running','succeeded','failed','cancelled','interrupted')),
      progress    TEXT NOT NULL CHECK (json_valid(progress)),
      result      TEXT,
      error       TEXT,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL,
      CHECK ((state = 'failed') = (error IS NOT NULL))
    ) STRICT;
    CREATE INDEX jobs_by_state ON jobs (state, created_at DESC);
    CREATE INDEX jobs_by_created ON jobs (created_at DESC);
  `,
};
