import type { Migration } from '../migrations';

export const migration: Migration = {
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
};
