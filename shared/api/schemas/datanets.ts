import { z } from 'zod';
import { LocalPath } from './local-path';
import { ItemContent, ItemSource } from '../../datanets/item';
import { LabelSchema } from '../../datanets/schema';
import { Timestamp } from './common';

export const DatanetId = z.string().regex(/^dn_[0-9a-z]{8,40}$/, 'is not a datanet id (dn_ then 8 to 40 lowercase letters or digits)');
export const ItemId = z.string().regex(/^it_[0-9a-z]{8,40}$/, 'is not an item id (it_ then 8 to 40 lowercase letters or digits)');
export const ImportId = z.string().regex(/^im_[0-9a-z]{8,40}$/, 'is not an import id (im_…)');

/** An SPDX license id or expression, e.g. CC-BY-4.0, MIT, "Apache-2.0 OR MIT", LicenseRef-proprietary. */
export const License = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.+-]+(?: (?:AND|OR|WITH) [A-Za-z0-9.+-]+)*$/, 'must be an SPDX license id, e.g. CC-BY-4.0 or MIT');

export const DatanetName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .regex(/^[^/\\\n\r\t]+$/, 'must not contain slashes, tabs or line breaks');

export const Datanet = z.object({
  id: DatanetId,
  name: z.string(),
  description: z.string(),
  license: z.string(),
  schema: LabelSchema,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Datanet = z.infer<typeof Datanet>;

export const DatanetSummary = Datanet.extend({
  itemCount: z.number().int().nonnegative(),
  labeledCount: z.number().int().nonnegative(),
  /** The newest version, or null before the first. */
  lastVersion: z.object({ number: z.number().int().positive(), root: z.string(), createdAt: Timestamp }).nullable(),
  /** Whether an item or a label event came after the newest version (true before the first): false means a freeze now would repeat it. */
  changedSinceVersion: z.boolean(),
});
export type DatanetSummary = z.infer<typeof DatanetSummary>;

/** A schema as JSON, or a Label Studio labeling config (XML) to convert. */
export const SchemaInput = z.union([
  z.object({ schema: LabelSchema }).strict(),
  z.object({ labelStudioConfig: z.string().min(1) }).strict(),
]);

export const DatanetCreateInput = z
  .object({
    name: DatanetName,
    description: z.string().max(10_000).default(''),
    license: License,
    schema: LabelSchema.optional(),
    labelStudioConfig: z.string().min(1).optional(),
  })
  .strict()
  .refine((i) => !(i.schema && i.labelStudioConfig), { error: 'give a schema or a Label Studio config, not both', path: ['schema'] });

export const DatanetRef = z.object({ datanet: z.union([DatanetId, DatanetName]) }).strict();

export const Label = z.object({ field: z.string(), value: z.unknown(), eventSeq: z.number().int(), author: z.string(), at: Timestamp });

export const Item = z.object({
  id: ItemId,
  seq: z.number().int().positive(),
  datanetId: DatanetId,
  content: ItemContent,
  source: ItemSource.nullable(),
  importId: ImportId.nullable(),
  createdAt: Timestamp,
  /** Current value of each field that has one; `$reviewed` when an item was marked reviewed. */
  labels: z.record(z.string(), z.unknown()),
});
export type Item = z.infer<typeof Item>;

export const ItemFilter = z
  .object({
    labeled: z.boolean().optional(),
    reviewed: z.boolean().optional(),
    /** Only items whose `field` currently has exactly this value (for choices: the label). */
    label: z.object({ field: z.string(), value: z.unknown() }).strict().optional(),
    importId: ImportId.optional(),
    /** Full-text search over item text and label values: every word must match; "a phrase", pre* and OR between two terms. */
    query: z.string().trim().min(1).max(1000).optional(),
  })
  .strict();
export type ItemFilter = z.infer<typeof ItemFilter>;

export const ItemsPageInput = z
  .object({
    datanet: z.union([DatanetId, DatanetName]),
    filter: ItemFilter.default({}),
    /** The `next` of the previous page. */
    after: z.number().int().nonnegative().nullable().default(null),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const ItemsPage = z.object({ items: z.array(Item), next: z.number().int().nullable() });
export type ItemsPage = z.infer<typeof ItemsPage>;

export const AnnotationEvent = z.object({
  seq: z.number().int().positive(),
  itemId: ItemId,
  field: z.string(),
  value: z.unknown(),
  author: z.string(),
  at: Timestamp,
  supersedes: z.number().int().nullable(),
  kind: z.enum(['set', 'undo', 'redo', 'import']),
});
export type AnnotationEvent = z.infer<typeof AnnotationEvent>;

export const AnnotateInput = z
  .object({
    item: ItemId,
    field: z.string().min(1),
    /** null clears the field. */
    value: z.unknown(),
  })
  .strict()
  // A forgotten value must not silently clear a label.
  .refine((i) => i.value !== undefined, { error: 'is required (null clears the field)', path: ['value'] });

export const EventRef = z.object({ event: z.number().int().positive() }).strict();

export const ImportOptionsInput = z
  .object({
    datanet: z.union([DatanetId, DatanetName]),
    paths: z.array(LocalPath).min(1, 'needs at least one file or folder'),
    format: z.enum(['auto', 'text', 'jsonl', 'csv', 'images', 'labelstudio', 'hf']).default('auto'),
    map: z.record(z.string(), z.string()).default({}),
    maxLineBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  })
  .strict();

export const ImportState = z.enum(['running', 'done', 'failed', 'cancelled', 'interrupted']);

export const ImportRecord = z.object({
  id: ImportId,
  datanetId: DatanetId,
  jobId: z.string().nullable(),
  paths: z.array(z.string()),
  state: ImportState,
  filesDone: z.number().int(),
  itemsAdded: z.number().int(),
  itemsDuplicate: z.number().int(),
  errors: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ImportRecord = z.infer<typeof ImportRecord>;

export const ImportError = z.object({ seq: z.number().int(), path: z.string(), line: z.number().int().nullable(), reason: z.string() });
export type ImportError = z.infer<typeof ImportError>;

export const VersionId = z.string().regex(/^ver_[0-9a-z]{8,40}$/, 'is not a version id (ver_…)');

export const Version = z.object({
  id: VersionId,
  datanetId: DatanetId,
  /** 1, 2, 3… within the datanet. */
  number: z.number().int().positive(),
  note: z.string(),
  /** Merkle root over the records, 0x-hex (shared/merkle.ts). */
  root: z.string(),
  recordCount: z.number().int().nonnegative(),
  recordFormat: z.number().int(),
  createdAt: Timestamp,
});
export type Version = z.infer<typeof Version>;

/** A version by its number (1, 2…), its id, or "latest". */
export const VersionRef = z.union([z.number().int().positive(), VersionId, z.literal('latest')]);

export const VersionCreateInput = z.object({ datanet: z.union([DatanetId, DatanetName]), note: z.string().max(2000).default('') }).strict();

export const VersionDiffInput = z
  .object({ datanet: z.union([DatanetId, DatanetName]), from: VersionRef, to: VersionRef, limit: z.number().int().min(1).max(100_000).default(1000) })
  .strict();

/** How many records of each kind listed in a diff come with details: the rest are ids only. */
export const DIFF_DETAILS = 50;
/** The most characters of an item's text a diff's details hold. */
export const DIFF_PREVIEW_CHARS = 160;

/** A listed record of a diff, beside its id: what the item says and, for a changed record, which labels changed. */
export const VersionDiffDetail = z.object({
  /** At most DIFF_PREVIEW_CHARS characters of the item's text (or, for an item without text, of its fields); '' for an image. */
  text: z.string(),
  /** Whether `text` was cut short. */
  truncated: z.boolean(),
  /**
   * A changed record's label fields whose values differ, in schema order, each as the short text
   * the dataset view shows ("positive", "3 spans"); null where the field had no value. Empty for
   * added and removed records.
   */
  changes: z.array(z.object({ field: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
});
export type VersionDiffDetail = z.infer<typeof VersionDiffDetail>;

export const VersionDiff = z.object({
  from: z.number().int(),
  to: z.number().int(),
  counts: z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int() }),
  /** Item ids, at most `limit` of each kind. */
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  /** By item id, for the first DIFF_DETAILS ids of each kind above. */
  details: z.record(z.string(), VersionDiffDetail),
});
export type VersionDiff = z.infer<typeof VersionDiff>;

export const RecordProof = z.object({
  version: z.number().int(),
  itemId: ItemId,
  /** The canonical record (shared/datanets/canonical.ts) as it was in that version. */
  record: z.string(),
  recordHash: z.string(),
  leaf: z.string(),
  position: z.number().int().nonnegative(),
  proof: z.array(z.string()),
  root: z.string(),
  /** Checked here with this app's implementation before it is handed out. */
  verified: z.boolean(),
});
export type RecordProof = z.infer<typeof RecordProof>;

export const ExportInput = z
  .object({
    datanet: z.union([DatanetId, DatanetName]),
    format: z.enum(['jsonl', 'csv', 'labelstudio', 'hf']),
    /** A file (jsonl, csv, labelstudio) or a folder (hf), on this machine. */
    out: LocalPath,
    /** hf: the share of items in the test split. */
    testFraction: z.number().min(0).max(0.9).default(0),
  })
  .strict();

/** One step through a datanet in the annotate view (items.step). */
