import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 9,
  name: 'models: adapters registered on a ModelRegistry, with their training manifests',
  sql: `
    -- One row per adapter registered from this app on a chain's ModelRegistry. The manifest is
    -- kept whole: it is the document whose root went on chain, so exporting it later gives the
    -- same bytes of meaning even after the contributions table moves on. The chain stays the
    -- record: a row whose adapter the chain no longer knows (a devnet reset) is replaced when the
    -- adapter is registered again.
    CREATE TABLE model_registrations (
      chain_id         INTEGER NOT NULL,
      model_registry   TEXT NOT NULL,   -- lowercase address
      adapter_hash     TEXT NOT NULL,   -- bytes32, lowercase hex
      adapter_name     TEXT NOT NULL,
      manifest_root    TEXT NOT NULL,
      base_model_id    TEXT NOT NULL,
      owner            TEXT NOT NULL,
      trainer          TEXT NOT NULL,
      owner_share_bps  INTEGER NOT NULL CHECK (owner_share_bps BETWEEN 0 AND 10000),
      uri              TEXT NOT NULL,
      manifest         TEXT NOT NULL CHECK (json_valid(manifest)),
      tx_hash          TEXT,
      block_number     INTEGER,
      registered_at    INTEGER NOT NULL,
      PRIMARY KEY (chain_id, model_registry, adapter_hash)
    ) STRICT;
    CREATE INDEX model_registrations_by_adapter ON model_registrations (adapter_hash);
  `,
};
