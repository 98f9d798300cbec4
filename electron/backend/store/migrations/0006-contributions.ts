import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 6,
  name: 'ledger: signed contribution records and the batches that anchor them',
  sql: `
    -- The outbox of migration 2 had no writer; contributions and batches replace it.
    DROP TABLE outbox;

    -- One batch of records anchored by one transaction under one Merkle root. A batch whose
    -- transaction vanished (dropped, or undone by a reorg) becomes 'dropped' and its records go
    -- back to the queue; the same root is never anchored twice (the chain is asked first).
    CREATE TABLE batches (
      root          TEXT PRIMARY KEY,
      chain_id      INTEGER NOT NULL,
      registry      TEXT NOT NULL,
      count         INTEGER NOT NULL CHECK (count > 0),
      state         TEXT NOT NULL CHECK (state IN ('built','submitted','included','confirmed','dropped')),
      tx_hash       TEXT,
      nonce         INTEGER,
      block_number  INTEGER,
      block_hash    TEXT,
      attempts      INTEGER NOT NULL DEFAULT 0,
      error         TEXT,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX batches_by_state ON batches (state);

    -- A record as signed (the EIP-712 message in 'record'), with what only the contributor
    -- keeps: the salt and the unsalted content root. 'proof' is the record's Merkle proof in its
    -- current batch.
    CREATE TABLE contributions (
      record_id     TEXT PRIMARY KEY,
      datanet_id    TEXT NOT NULL,
      version_id    TEXT NOT NULL,
      contributor   TEXT NOT NULL,
      chain_id      INTEGER NOT NULL,
      registry      TEXT NOT NULL,
      record        TEXT NOT NULL CHECK (json_valid(record)),
      digest        TEXT NOT NULL UNIQUE,
      signature     TEXT NOT NULL,
      salt          TEXT NOT NULL,
      content_root  TEXT NOT NULL,
      state         TEXT NOT NULL CHECK (state IN ('signed','queued','submitted','included','confirmed','failed')),
      batch_root    TEXT REFERENCES batches(root),
      proof         TEXT CHECK (proof IS NULL OR json_valid(proof)),
      error         TEXT,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX contributions_by_state ON contributions (state, created_at);
    CREATE INDEX contributions_by_batch ON contributions (batch_root);
    CREATE INDEX contributions_by_datanet ON contributions (datanet_id, created_at);
  `,
};
