import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 10,
  name: 'attribution: signed attribution records of inferences, and their settlements',
  sql: `
    -- One row per attributed inference. The record (shared/ledger/attribution-record.ts) and its
    -- signature are kept as signed; detail holds what the record commits to by hash (prompt,
    -- output, payout list) and the credits the shares were computed from, so a settlement at
    -- another fee can sign a new record from the same measurement.
    CREATE TABLE attributions (
      id           TEXT PRIMARY KEY,          -- att_…
      chain_id     INTEGER NOT NULL,
      settlement   TEXT NOT NULL,             -- lowercase address (the record's verifying contract)
      adapter_name TEXT NOT NULL,
      adapter_hash TEXT NOT NULL,
      method       TEXT NOT NULL CHECK (method IN ('influence', 'spans')),
      server       TEXT NOT NULL,             -- lowercase address, the signer
      nonce        INTEGER NOT NULL,
      record       TEXT NOT NULL CHECK (json_valid(record)),
      signature    TEXT NOT NULL,
      detail       TEXT NOT NULL CHECK (json_valid(detail)),
      payment_id   TEXT,                      -- Settlement's payment id once settled
      settle_tx    TEXT,
      claims_file  TEXT,
      created_at   INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX attributions_by_nonce ON attributions (server, nonce);
  `,
};
