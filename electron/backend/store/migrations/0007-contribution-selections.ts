import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 7,
  name: 'ledger: the items of a contribution that covers a selection of a version',
  sql: `
    -- A record whose content root is a root over some of a version's records (not the whole
    -- version) keeps which ones, so each item's proof against that root can be produced later.
    -- The selection is stored as the items' positions in the version (version_records.position),
    -- ascending, as 4-byte little-endian integers in one blob: 4 MB for a million items where a
    -- row per item (record id, item id, position) would take some 100 MB. Item ids and record
    -- hashes come back from version_records by position; the tree is rebuilt on demand.
    CREATE TABLE contribution_selections (
      record_id   TEXT PRIMARY KEY REFERENCES contributions(record_id) ON DELETE CASCADE,
      version_id  TEXT NOT NULL,
      count       INTEGER NOT NULL CHECK (count > 0),
      positions   BLOB NOT NULL CHECK (length(positions) = 4 * count)
    ) STRICT;
  `,
};
