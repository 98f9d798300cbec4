import { z } from 'zod';

/** Starting the local OpenAI-compatible server (inference.server.start). */
export const InferenceServerStartInput = z
  .object({
    /** Default: any free port. */
    port: z.number().int().min(1).max(65535).optional(),
    /** Default: a new random key. */
    apiKey: z.string().regex(/^[\x21-\x7e]{8,200}$/, 'must be 8 to 200 printable characters without spaces').optional(),
  })
  .strict();

export const InferenceServerStatus = z.object({
  running: z.boolean(),
  /** The API's base URL (what OpenAI clients take as base_url), e.g. http://127.0.0.1:PORT/v1. */
  url: z.string().nullable(),
  port: z.number().int().nullable(),
  /** Every request must carry it: Authorization: Bearer KEY. */
  apiKey: z.string().nullable(),
  /** Requests answered with a 2xx since it started (refusals are not counted), and completion tokens generated. */
  requests: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** Base models loaded, each with its batches so far. */
  loaded: z.array(z.object({ model: z.string(), steps: z.number().int().nonnegative(), largestBatch: z.number().int().nonnegative(), active: z.number().int().nonnegative(), waiting: z.number().int().nonnegative() })),
});
export type InferenceServerStatus = z.infer<typeof InferenceServerStatus>;
