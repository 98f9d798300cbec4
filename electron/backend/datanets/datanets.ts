import { conflict, notFound, ApiFailure } from '../../../shared/api/errors';
import type { Datanet, DatanetSummary } from '../../../shared/api/schemas/datanets';
import { LabelSchema } from '../../../shared/datanets/schema';
import { labelStudioConfigToSchema } from '../../../shared/datanets/label-studio-config';
import type { Db } from '../store/database';
import { newId } from '../ids';

interface Row {
  id: string;
  name: string;
  description: string;
  license: string;
  schema: string;
  created_at: number;
  updated_at: number;
}

// Parsed schemas by their stored text: the same text always parses the same, so no invalidation.
const parsedSchemas = new Map<string, LabelSchema>();
function parseSchema(text: string): LabelSchema {
  let schema = parsedSchemas.get(text);
  if (!schema) {
    schema = LabelSchema.parse(JSON.parse(text));
    if (parsedSchemas.size > 1000) parsedSchemas.clear();
    parsedSchemas.set(text, schema);
  }
  return schema;
}

function fromRow(row: Row): Datanet {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    license: row.license,
    schema: parseSchema(row.schema),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface CreateDatanet {
  name: string;
  description: string;
  license: string;
  schema?: LabelSchema | undefined;
  labelStudioConfig?: string | undefined;
}

/** Turns a Label Studio config into a schema, or says what is wrong with it as an input error. */
function schemaOf(input: CreateDatanet): LabelSchema {
  if (input.schema) return input.schema;
  if (input.labelStudioConfig === undefined) {
    throw new ApiFailure({ code: 'invalid_input', field: 'schema', message: 'schema is required: give a schema or a Label Studio config' });
  }
  try {
    return labelStudioConfigToSchema(input.labelStudioConfig);
  } catch (error) {
    throw new ApiFailure({ code: 'invalid_input', field: 'labelStudioConfig', message: `labelStudioConfig ${(error as Error).message}` });
  }
}

export class Datanets {
  constructor(private readonly db: Db) {}

  create(input: CreateDatanet, now = Date.now()): Datanet {
    const schema = schemaOf(input);
    const row: Row = {
      id: newId('dn', now),
      name: input.name,
      description: input.description,
      license: input.license,
      schema: JSON.stringify(schema),
      created_at: now,
      updated_at: now,
    };
    try {
      this.db
        .prepare(
          `INSERT INTO datanets (id, name, description, license, schema, created_at, updated_at)
           VALUES (@id, @name, @description, @license, @schema, @created_at, @updated_at)`,
        )
        .run(row);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict(`A datanet named "${input.name}" already exists.`);
      throw error;
    }
    return fromRow(row);
  }

  /** By id (dn_…) or by name, case-insensitively. */
  get(ref: string): Datanet {
    const row = (
      ref.startsWith('dn_')
        ? this.db.prepare('SELECT * FROM datanets WHERE id = ?').get(ref)
        : this.db.prepare('SELECT * FROM datanets WHERE name = ?').get(ref)
    ) as Row | undefined;
    if (!row) throw notFound(`No datanet ${ref.startsWith('dn_') ? 'with id' : 'named'} "${ref}".`);
    return fromRow(row);
  }

  list(): DatanetSummary[] {
    const rows = this.db.prepare('SELECT * FROM datanets ORDER BY name').all() as Row[];
    return rows.map((r) => this.withCounts(fromRow(r)));
  }

  summary(ref: string): DatanetSummary {
    return this.withCounts(this.get(ref));
  }

  private withCounts(d: Datanet): DatanetSummary {
    const itemCount = this.db.prepare('SELECT count(*) FROM items WHERE datanet_id = ?').pluck().get(d.id) as number;
    // `$reviewed` and other `$` fields are bookkeeping, not labels.
    const labeledCount = this.db
      .prepare(`SELECT count(DISTINCT item_seq) FROM labels WHERE datanet_id = ? AND field NOT LIKE '$%'`)
      .pluck()
      .get(d.id) as number;
    const last = this.db
      .prepare('SELECT number, root, created_at AS createdAt, max_item_seq AS maxItemSeq, max_event_seq AS maxEventSeq FROM versions WHERE datanet_id = ? ORDER BY number DESC LIMIT 1')
      .get(d.id) as { number: number; root: string; createdAt: number; maxItemSeq: number; maxEventSeq: number } | undefined;
    if (!last) return { ...d, itemCount, labeledCount, lastVersion: null, changedSinceVersion: true };
    // Items and events are append-only and numbered across datanets: anything of this datanet past the version's marks is new.
    const changed =
      this.db.prepare('SELECT 1 FROM items WHERE datanet_id = ? AND seq > ? LIMIT 1').get(d.id, last.maxItemSeq) !== undefined ||
      this.db.prepare('SELECT 1 FROM annotation_events e JOIN items i ON i.seq = e.item_seq WHERE e.seq > ? AND i.datanet_id = ? LIMIT 1').get(last.maxEventSeq, d.id) !== undefined;
    return { ...d, itemCount, labeledCount, lastVersion: { number: last.number, root: last.root, createdAt: last.createdAt }, changedSinceVersion: changed };
  }
}
