/**
 * Numbered, forward-only schema migrations. Never edit a migration that has shipped: add the
 * next number. Each runs in its own transaction together with the bump of `user_version`.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * The migration drops and recreates a table that others reference (SQLite's way to change a
   * constraint). It runs with foreign keys off, so the drop does not cascade, and must leave
   * `PRAGMA foreign_key_check` clean, or it is rolled back.
   */
  readonly rebuildsTables?: true;
}

import { migration as m0001 } from './migrations/0001-settings-jobs';
import { migration as m0002 } from './migrations/0002-outbox';
import { migration as m0003 } from './migrations/0003-datanets';
import { migration as m0004 } from './migrations/0004-versions';
import { migration as m0005 } from './migrations/0005-embeddings';
import { migration as m0006 } from './migrations/0006-contributions';
import { migration as m0007 } from './migrations/0007-contribution-selections';
import { migration as m0008 } from './migrations/0008-rewards';
import { migration as m0009 } from './migrations/0009-model-registrations';
import { migration as m0010 } from './migrations/0010-attributions';
import { migration as m0011 } from './migrations/0011-items-keyed-by-id';
import { migration as m0012 } from './migrations/0012-job-subject';

/** In order; each file holds one migration. */
export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012];
