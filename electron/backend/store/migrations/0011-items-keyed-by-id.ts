import type { Migration } from '../migrations';

/**
 * Items lose their second unique key, (datanet_id, content_hash). The id is derived from exactly
 * that pair (itemIdFor: sha-256 of "datanet:hash", 96 bits kept), so the unique id already refuses
 * a duplicate, and Items.insert checks the hash of the row it collides with. Both keys are hashes,
 * so each new item landed on a random page of both indexes, and every commit rewrote all the pages
 * it touched: the second index was nearly half of what an import of table rows wrote to the WAL
 * (206 MB → 113 MB for 35,000 rows of 1 KB, and 15% of the import's time; bench/RESULTS.md).
 *
 * SQLite cannot drop a table constraint, so the table is rebuilt (its seq, the rowid every other
 * table and the search index refer to, is copied as it is). Foreign keys are off while it runs
 * (rebuildsTables): dropping the old table would otherwise cascade into annotations and labels.
 */
export const migration: Migration = {
  version: 11,
  name: 'items: the item id is the one unique key',
  rebuildsTables: true,
  sql: `
    CREATE TABLE items_rebuilt (
      seq          INTEGER PRIMARY KEY,
      id           TEXT NOT NULL UNIQUE,
      datanet_id   TEXT NOT NULL REFERENCES datanets(id) ON DELETE CASCADE,
      content_hash TEXT NOT NULL,
      content      TEXT NOT NULL CHECK (json_valid(content)),
      thumb_cid    TEXT,
      source       TEXT CHECK (source IS NULL OR json_valid(source)),
      import_id    TEXT REFERENCES imports(id) ON DELETE SET NULL,
      created_at   INTEGER NOT NULL
    ) STRICT;
    INSERT INTO items_rebuilt (seq, id, datanet_id, content_hash, content, thumb_cid, source, import_id, created_at)
      SELECT seq, id, datanet_id, content_hash, content, thumb_cid, source, import_id, created_at FROM items ORDER BY seq;
    DROP TABLE items;
    ALTER TABLE items_rebuilt RENAME TO items;
    CREATE INDEX items_by_datanet ON items (datanet_id, seq);
    CREATE INDEX items_by_import ON items (import_id, seq);
  `,
};
