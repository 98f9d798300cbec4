import { z } from 'zod';
import { LocalPath } from './local-path';
import { DatanetId, DatanetName, Item, ItemId } from './datanets';
import { Job } from './jobs';

/** A model's folder name under `<dataDir>/models/embeddings/`. */
export const ModelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be letters, digits, ".", "_" or "-" (at most 100), starting with a letter or digit');

export const EmbeddingModel = z.object({
  name: ModelName,
  /** Where it came from: "hf:<repo>@<revision>", or the folder it was imported from. */
  source: z.string().nullable(),
  /** Bytes on disk. */
  bytes: z.number().int().nonnegative(),
  /** The one assist uses. */
  active: z.boolean(),
});
export type EmbeddingModel = z.infer<typeof EmbeddingModel>;

const DatanetKey = z.union([DatanetId, DatanetName]);

export const AssistStatus = z.object({
  /** The model assist uses, or null when none is installed. */
  model: ModelName.nullable(),
  itemCount: z.number().int().nonnegative(),
  /** Items the model has embedded (including those with no text, which are skipped). */
  embeddedCount: z.number().int().nonnegative(),
  /** The embedding job running for this datanet, if any. */
  job: Job.nullable(),
});
export type AssistStatus = z.infer<typeof AssistStatus>;

export const Neighbour = z.object({
  itemId: ItemId,
  /** Cosine similarity, -1..1. */
  similarity: z.number(),
  /** The neighbour's current value of the field (suggestions), or null. */
  value: z.unknown(),
  /** The start of the neighbour's text, for a tooltip or a list. */
  preview: z.string(),
});
export type Neighbour = z.infer<typeof Neighbour>;

export const SuggestInput = z
  .object({
    item: ItemId,
    field: z.string().min(1),
    /** How many labeled neighbours vote. */
    k: z.number().int().min(1).max(50).default(5),
  })
  .strict();

/** The label the nearest labeled items agree on; null value when no labeled item is embedded yet. */
export const Suggestion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('suggestion'), field: z.string(), value: z.unknown(), confidence: z.number().min(0).max(1), neighbours: z.array(Neighbour) }),
  z.object({ kind: z.literal('none'), field: z.string(), reason: z.enum(['no_model', 'no_text', 'no_labeled_neighbours']) }),
]);
export type Suggestion = z.infer<typeof Suggestion>;

export const DuplicatesInput = z
  .object({
    item: ItemId,
    /** Cosine similarity at or above which an item counts as a near-duplicate. */
    threshold: z.number().min(0).max(1).default(0.95),
    limit: z.number().int().min(1).max(100).default(10),
  })
  .strict();

export const Duplicates = z.object({ model: ModelName.nullable(), items: z.array(Neighbour) });
export type Duplicates = z.infer<typeof Duplicates>;

export const SemanticSearchInput = z
  .object({ datanet: DatanetKey, query: z.string().trim().min(1).max(10_000), limit: z.number().int().min(1).max(1000).default(20) })
  .strict();

export const SemanticSearchResult = z.object({ items: z.array(z.object({ item: Item, score: z.number() })) });
export type SemanticSearchResult = z.infer<typeof SemanticSearchResult>;

export const ModelImportInput = z
  .object({
    /** A model folder on the machine the backend runs on. */
    path: LocalPath,
    /** Defaults to the folder's name. */
    name: ModelName.optional(),
  })
  .strict();

export const ModelDownloadInput = z
  .object({
    /** A Hugging Face model repository, "owner/name". */
    repo: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a Hugging Face repository, owner/name'),
    revision: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'must be a branch, tag or commit').default('main'),
    name: ModelName.optional(),
  })
  .strict();

export const ModelRef = z.object({ name: ModelName }).strict();
export const DatanetAssistRef = z.object({ datanet: DatanetKey }).strict();
