import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 3,
  name: 'datanets, items, annotation events, imports, search',
  sql: `
    CREATE TABLE datanets (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
      description TEXT NOT NULL,
      license     TEXT NOT NULL,
      schema      TEXT NOT NULL CHECK (json_valid(schema)),
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE imports (
      id              TEXT PRIMARY KEY,
      datanet_id      TEXT NOT NULL REFERENCES datanets(id) ON DELETE CASCADE,
      job_id          TEXT,
      paths           TEXT NOT NULL CHECK (json_valid(paths)),
      options         TEXT NOT NULL CHECK (json_valid(options)),
      state           TEXT NOT NULL CHECK (state IN ('running','done','failed','cancelled','interrupted')),
      files_done      INTEGER NOT NULL DEFAULT 0,
      items_added     INTEGER NOT NULL DEFAULT 0,
      items_duplicate INTEGER NOT NULL DEFAULT 0,
      errors          INTEGER NOT NULL DEFAULT 0,
      created_at      INTEGER NOT NULL,
      updated_at      INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX imports_by_datanet ON imports (datanet_id, created_at DESC);

    -- Files an import has read to the end: a resumed import skips them. A file is marked here
    -- in the same transaction as its last batch of items.
    CREATE TABLE import_files (
      import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
      path      TEXT NOT NULL,
      items     INTEGER NOT NULL,
      PRIMARY KEY (import_id, path)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE import_errors (
      import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
      seq       INTEGER NOT NULL,
      path      TEXT NOT NULL,
      line      INTEGER,
      reason    TEXT NOT NULL,
      PRIMARY KEY (import_id, seq)
    ) STRICT;

    -- seq is the rowid: the order items arrived in, and the key of every page. content is the
    -- canonical text of the item (shared/datanets/canonical.ts, canonicalContent: RFC 8785, no
    -- thumbnail), so content_hash is its sha-256 and a version uses it as it is; the thumbnail,
    -- derived from the image, sits beside it.
    CREATE TABLE items (
      seq          INTEGER PRIMARY KEY,
      id           TEXT NOT NULL UNIQUE,
      datanet_id   TEXT NOT NULL REFERENCES datanets(id) ON DELETE CASCADE,
      content_hash TEXT NOT NULL,
      content      TEXT NOT NULL CHECK (json_valid(content)),
      thumb_cid    TEXT,
      source       TEXT CHECK (source IS NULL OR json_valid(source)),
      import_id    TEXT REFERENCES imports(id) ON DELETE SET NULL,
      created_at   INTEGER NOT NULL,
      UNIQUE (datanet_id, content_hash)
    ) STRICT;
    CREATE INDEX items_by_datanet ON items (datanet_id, seq);
    CREATE INDEX items_by_import ON items (import_id, seq);

    -- Append-only: an annotation is never updated or deleted, a change is a new event.
    -- value NULL means the field was cleared; supersedes is the event whose value this replaced.
    CREATE TABLE annotation_events (
      seq        INTEGER PRIMARY KEY,
      item_seq   INTEGER NOT NULL REFERENCES items(seq) ON DELETE CASCADE,
      field      TEXT NOT NULL,
      value      TEXT CHECK (value IS NULL OR json_valid(value)),
      author     TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      supersedes INTEGER REFERENCES annotation_events(seq),
      kind       TEXT NOT NULL CHECK (kind IN ('set','undo','redo','import'))
    ) STRICT;
    CREATE INDEX annotation_events_by_item ON annotation_events (item_seq, seq);
    CREATE TRIGGER annotation_events_append_only_update BEFORE UPDATE ON annotation_events
      BEGIN SELECT RAISE(ABORT, 'annotation events are append-only'); END;

    -- The current label of each (item, field): the value of its latest event, kept in step with
    -- annotation_events in the same transaction. A view, materialized so filters stay fast.
    CREATE TABLE labels (
      item_seq   INTEGER NOT NULL REFERENCES items(seq) ON DELETE CASCADE,
      field      TEXT NOT NULL,
      datanet_id TEXT NOT NULL,
      event_seq  INTEGER NOT NULL,
      value      TEXT NOT NULL CHECK (json_valid(value)),
      PRIMARY KEY (item_seq, field)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX labels_by_value ON labels (datanet_id, field, value, item_seq);

    -- Full-text search over item text and label values; rowid = items.seq.
    CREATE VIRTUAL TABLE items_fts USING fts5(
      text, labels, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    -- Items whose label words the index has not caught up with yet. An annotation write only
    -- adds a row here (cheap, in its own transaction); the index is brought up to date in
    -- batches, and always before a search runs, so searches never see stale labels.
    CREATE TABLE items_fts_pending (item_seq INTEGER PRIMARY KEY) STRICT;
  `,
};
