/**
 * Numbered, forward-only schema migrations. Never edit a migration that has shipped: add the
 * next number. Each runs in its own transaction together with the bump of `user_version`.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
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
  },
  {
    version: 2,
    name: 'ledger outbox',
    sql: `
      -- Signed contribution records waiting to be anchored on the ledger. A record leaves the
      -- pending count only once its batch is final at the configured confirmation depth.
      CREATE TABLE outbox (
        record_id   TEXT PRIMARY KEY,
        payload     TEXT NOT NULL CHECK (json_valid(payload)),
        signature   TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('pending','submitted','confirmed')),
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX outbox_by_state ON outbox (state);
    `,
  },
];
