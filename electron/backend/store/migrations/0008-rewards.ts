import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 8,
  name: 'ledger: imported reward claims (shares of Settlement payments)',
  sql: `
    -- A share of a Settlement payment as a claim file gave it, checked against the payment's
    -- shares root when imported. Whether it was claimed is asked of the chain (isClaimed), never
    -- kept here: the chain is the record, and anyone may send a claim for anyone.
    CREATE TABLE reward_claims (
      chain_id      INTEGER NOT NULL,
      settlement    TEXT NOT NULL,   -- lowercase address
      payment_id    TEXT NOT NULL,   -- uint256 as a decimal string
      idx           INTEGER NOT NULL CHECK (idx >= 0),
      account       TEXT NOT NULL,   -- lowercase address
      amount        TEXT NOT NULL,   -- wei as a decimal string
      proof         TEXT NOT NULL CHECK (json_valid(proof)),
      claim_tx      TEXT,            -- the claim this app sent, if it sent one
      imported_at   INTEGER NOT NULL,
      PRIMARY KEY (chain_id, settlement, payment_id, idx)
    ) STRICT;
    CREATE INDEX reward_claims_by_account ON reward_claims (account, chain_id, settlement);
  `,
};
