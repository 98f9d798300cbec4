import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 4,
  name: 'datanet versions',
  sql: `
    -- A version freezes a datanet as of one moment: the items up to max_item_seq with their
    -- labels as of annotation event max_event_seq. Items and events are append-only, so the
    -- record of any item at any version can be rebuilt, and its stored hash checks the rebuild.
    CREATE TABLE versions (
      id             TEXT PRIMARY KEY,
      datanet_id     TEXT NOT NULL REFERENCES datanets(id) ON DELETE CASCADE,
      number         INTEGER NOT NULL,
      note           TEXT NOT NULL,
      root           TEXT NOT NULL,
      record_count   INTEGER NOT NULL,
      record_format  INTEGER NOT NULL,
      max_item_seq   INTEGER NOT NULL,
      max_event_seq  INTEGER NOT NULL,
      created_at     INTEGER NOT NULL,
      UNIQUE (datanet_id, number)
    ) STRICT;

    -- One row per record, in leaf order (item ids in UTF-8 byte order).
    CREATE TABLE version_records (
      version_id  TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
      position    INTEGER NOT NULL,
      item_id     TEXT NOT NULL,
      record_hash BLOB NOT NULL,
      PRIMARY KEY (version_id, position)
    ) STRICT, WITHOUT ROWID;
    CREATE UNIQUE INDEX version_records_by_item ON version_records (version_id, item_id);

    -- The whole tree, OpenZeppelin's layout: (2n-1) nodes of 32 bytes, node 0 the root. A proof
    -- reads about log2(n) nodes of it with substr().
    CREATE TABLE version_trees (
      version_id TEXT PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
      nodes      BLOB NOT NULL
    ) STRICT;
  `,
};
