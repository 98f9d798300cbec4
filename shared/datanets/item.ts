import { z } from 'zod';

/** A scalar cell of a record (a CSV column, a JSONL key that is not nested). */
export const FieldScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A chat message of a Hugging Face style `messages` item. */
export const ChatMessage = z.object({ role: z.string(), content: z.string() }).strict();
export type ChatMessage = z.infer<typeof ChatMessage>;

/**
 * What one item holds, whatever it was imported from. `text` is what search indexes and spans
 * point into (may be empty for an image); `fields` are the other columns or keys; `image` the
 * picture stored in the blob store by its CID.
 */
export const ItemContent = z
  .object({
    text: z.string(),
    fields: z.record(z.string(), z.union([FieldScalar, z.array(ChatMessage)])),
    image: z
      .object({
        cid: z.string(),
        mime: z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/gif']),
        width: z.number().int().positive(),
        height: z.number().int().positive(),
        thumbCid: z.string().nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type ItemContent = z.infer<typeof ItemContent>;

/** Where an item came from: the file and, for line-based formats, the 1-based line. */
export const ItemSource = z.object({ path: z.string(), line: z.number().int().positive().nullable() }).strict();
export type ItemSource = z.infer<typeof ItemSource>;
