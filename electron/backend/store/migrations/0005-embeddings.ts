import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 5,
  name: 'assist: item embeddings and the active model',
  sql: `
    -- One vector per item and embedding model: little-endian float32, L2-normalized, so a dot
    -- product is the cosine. An empty vector marks an item with no text to embed, so the
    -- incremental pass does not try it again. Keyed for the scan assist does: one datanet's
    -- vectors under one model, in item order.
    CREATE TABLE embeddings (
      datanet_id TEXT NOT NULL REFERENCES datanets(id) ON DELETE CASCADE,
      model      TEXT NOT NULL,
      item_seq   INTEGER NOT NULL REFERENCES items(seq) ON DELETE CASCADE,
      vector     BLOB NOT NULL,
      PRIMARY KEY (datanet_id, model, item_seq)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX embeddings_by_item ON embeddings (item_seq);

    -- Which installed model assist uses (one row at most).
    CREATE TABLE assist_state (
      id           INTEGER PRIMARY KEY CHECK (id = 1),
      active_model TEXT
    ) STRICT;
  `,
};
