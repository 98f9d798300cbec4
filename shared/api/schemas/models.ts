import { z } from 'zod';
import { LocalPath } from './local-path';
import { AttributionMethod } from '../../ledger/attribution-record';
import { ModelName } from './assist';

/** A base language model installed under `<dataDir>/models/language/<name>/`. */
export const LanguageModel = z.object({
  name: ModelName,
  /** config.json's model_type, one the engine builds. */
  architecture: z.enum(['gpt2', 'llama', 'qwen2']),
  /** Weights in the checkpoint (elements of every tensor). */
  parameters: z.number().int().nonnegative(),
  /** The checkpoint's storage type (the engine computes in float32). */
  dtype: z.string(),
  layers: z.number().int().positive(),
  hidden: z.number().int().positive(),
  vocab: z.number().int().positive(),
  contextLength: z.number().int().positive(),
  /** tokenizer_config.json has a chat_template. */
  chat: z.boolean(),
  /** Where it came from: "hf:<repo>@<revision>", or the folder it was imported from. */
  source: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
});
export type LanguageModel = z.infer<typeof LanguageModel>;

/** How an adapter came to be, when this app trained it (null for an imported PEFT folder). */
export const AdapterLineage = z.object({
  datanet: z.string(),
  version: z.number().int().positive(),
  /** The version's Merkle root: which records exactly. */
  root: z.string(),
  examples: z.number().int().nonnegative(),
  hyperparameters: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.number()),
  trainedAt: z.number().int(),
});
export type AdapterLineage = z.infer<typeof AdapterLineage>;

/** A LoRA adapter (PEFT folder) installed under `<dataDir>/adapters/<name>/`, for one base model. */
export const Adapter = z.object({
  name: ModelName,
  /** The installed base model it belongs to. */
  base: ModelName,
  rank: z.number().int().positive(),
  alpha: z.number().positive(),
  targets: z.union([z.array(z.string()), z.string()]),
  /** Values in its A and B tensors. */
  parameters: z.number().int().nonnegative(),
  lineage: AdapterLineage.nullable(),
  source: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
  /** How its answers are attributed when a call names no method: spans unless set (adapters.setAttributionMethod). */
  attributionMethod: AttributionMethod,
});
export type Adapter = z.infer<typeof Adapter>;

export const LanguageModelImportInput = z
  .object({
    /** A Hugging Face model folder on the machine the backend runs on. */
    path: LocalPath,
    /** Defaults to the folder's name. */
    name: ModelName.optional(),
  })
  .strict();

export const AdapterImportInput = z
  .object({
    /** A PEFT adapter folder (adapter_config.json, adapter_model.safetensors). */
    path: LocalPath,
    /** The installed base model it adapts. */
    base: ModelName,
    name: ModelName.optional(),
  })
  .strict();

/** The attribution method of an adapter's answers: the one that pays, unless a call names another. */
export const AdapterAttributionInput = z.object({ name: ModelName, method: AttributionMethod }).strict();

export const AdapterExportInput = z.object({ name: ModelName, path: LocalPath }).strict();
export const NamedRef = z.object({ name: ModelName }).strict();

/** llama.cpp's tensor types for an export: float32, float16, or 8-bit blocks (Q8_0). */
export const GgufType = z.enum(['f32', 'f16', 'q8_0']);

export const GgufExportInput = z
  .object({
    /** The installed base model. */
    model: ModelName,
    /** An installed adapter of that model: merged into it with merge, else written alone as a GGUF LoRA. */
    adapter: ModelName.optional(),
    merge: z.boolean().default(false),
    type: GgufType.default('f16'),
    /** The .gguf file to write, on the machine the backend runs on; it must not exist yet. */
    path: LocalPath,
  })
  .strict()
  .refine((i) => !i.merge || i.adapter !== undefined, { error: 'merge needs an adapter', path: ['merge'] });

export const AdapterMergeInput = z
  .object({
    /** The installed adapter to merge into its base model. */
    adapter: ModelName,
    /** The new base model's name. */
    name: ModelName,
  })
  .strict();
