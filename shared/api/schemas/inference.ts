import { z } from 'zod';
import { ModelName } from './assist';

export const ChatTurn = z.object({ role: z.enum(['user', 'assistant']), content: z.string() }).strict();
export type ChatTurn = z.infer<typeof ChatTurn>;

export const GenerateInput = z
  .object({
    model: ModelName,
    /** An installed adapter of that model; without it, the base model alone. */
    adapter: ModelName.optional(),
    prompt: z.string().min(1),
    /**
     * 'instruction' (default): the prompt as training formats an instruction (the model's chat
     * template, else the plain format), so a trained adapter sees what it learned from; 'raw':
     * the text as is, for completion.
     */
    format: z.enum(['instruction', 'raw']).default('instruction'),
    system: z.string().optional(),
    /**
     * Earlier turns of a chat, oldest first, before `prompt` (the user's new message): rendered
     * with the model's chat template, so the model sees the whole conversation. Needs
     * format 'instruction' and a model with a chat template.
     */
    history: z.array(ChatTurn).max(500).optional(),
    maxTokens: z.number().int().min(1).max(32_768).optional(),
    /** 0 is greedy; above 0 samples. Default: the model's generation_config.json, else greedy. */
    temperature: z.number().min(0).max(10).optional(),
    topK: z.number().int().min(0).optional(),
    topP: z.number().gt(0).max(1).optional(),
    repetitionPenalty: z.number().gt(0).max(10).optional(),
    stop: z.array(z.string().min(1)).max(16).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    /** Names this request's `inference.delta` events, for a caller that streams. */
    request: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((i) => i.history === undefined || i.format === 'instruction', { error: "needs format 'instruction'", path: ['history'] });

export const GenerateResult = z.object({
  text: z.string(),
  tokens: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  /** 'cancelled': stopped by inference.cancel; the text is what was generated until then. */
  finishReason: z.enum(['eos', 'stop', 'length', 'cancelled']),
  /** New tokens over the time from the first forward pass to the last. */
  tokensPerSecond: z.number().nonnegative(),
  /** With history: the oldest turns left out so the conversation fits the model's context. */
  turnsLeftOut: z.number().int().nonnegative().optional(),
});
export type GenerateResult = z.infer<typeof GenerateResult>;

export const GenerateDelta = z.object({ request: z.string(), text: z.string() });

export const CancelInput = z.object({ request: z.string().min(1).max(100) }).strict();
/** Whether a generation of that name was running (and is now stopping). */
export const CancelResult = z.object({ cancelled: z.boolean() });
