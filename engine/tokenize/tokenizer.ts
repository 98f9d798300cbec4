import type { PreTrainedTokenizer } from '@huggingface/transformers';

/** One turn of a conversation, as chat templates expect it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | (string & {});
  content: string;
}

/** A special token and its id. */
export interface SpecialToken {
  token: string;
  id: number;
}

/**
 * A model's tokenizer, as the engine uses it: token ids in and out, its special tokens, and its
 * chat template when it has one. Backed by transformers.js, which reads tokenizer.json exactly as
 * the Hugging Face `tokenizers` library does.
 */
export interface Tokenizer {
  /** The folder it was loaded from (named in errors). */
  readonly dir: string;
  /** Number of ids, special tokens included. */
  readonly vocabSize: number;
  readonly bos: SpecialToken | null;
  readonly eos: SpecialToken | null;
  readonly pad: SpecialToken | null;
  readonly unk: SpecialToken | null;
  /** Every special token's id (never part of decoded text with skipSpecialTokens). */
  readonly specialIds: readonly number[];
  readonly hasChatTemplate: boolean;
  /** Text to ids. addSpecialTokens (default false) adds what the tokenizer's post-processor adds, e.g. a BOS. */
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  /** Ids to text; special tokens are kept unless skipSpecialTokens. */
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** The id of one token's text (a special token's content, or a vocabulary entry), or null. */
  tokenId(token: string): number | null;
  /** The conversation rendered by the chat template; with addGenerationPrompt, ending where the assistant's reply starts. */
  applyChatTemplate(messages: readonly ChatMessage[], options?: { addGenerationPrompt?: boolean }): string;
  /** applyChatTemplate's text as ids (no special tokens added beyond what the template writes). */
  encodeChat(messages: readonly ChatMessage[], options?: { addGenerationPrompt?: boolean }): number[];
}

function special(inner: PreTrainedTokenizer, token: string | null | undefined): SpecialToken | null {
  if (typeof token !== 'string') return null;
  const id = inner.convert_tokens_to_ids(token) as number | null | undefined;
  return typeof id === 'number' ? { token, id } : null;
}

/** Wraps a transformers.js tokenizer; `chatTemplate` overrides the one in tokenizer_config.json. */
export function wrapTokenizer(inner: PreTrainedTokenizer, dir: string, chatTemplate: string | null): Tokenizer {
  const template = chatTemplate ?? (inner.chat_template as unknown);
  const hasChatTemplate = (typeof template === 'string' && template.length > 0) || (Array.isArray(template) && template.length > 0);
  const requireTemplate = () => {
    if (!hasChatTemplate) throw new Error(`the tokenizer in ${dir} has no chat template (tokenizer_config.json has no chat_template and there is no chat_template.jinja)`);
  };
  const render = (messages: readonly ChatMessage[], addGenerationPrompt: boolean): string => {
    requireTemplate();
    return inner.apply_chat_template(
      messages.map((m) => ({ role: m.role, content: m.content })),
      { tokenize: false, add_generation_prompt: addGenerationPrompt, ...(chatTemplate ? { chat_template: chatTemplate } : {}) },
    );
  };
  const encode = (text: string, addSpecialTokens: boolean): number[] => inner.encode(text, { add_special_tokens: addSpecialTokens });
  return {
    dir,
    vocabSize: inner.get_vocab().size,
    bos: special(inner, inner.bos_token),
    eos: special(inner, inner.eos_token),
    pad: special(inner, inner.pad_token),
    unk: special(inner, inner.unk_token),
    specialIds: [...inner.all_special_ids],
    hasChatTemplate,
    encode: (text, options) => encode(text, options?.addSpecialTokens ?? false),
    // transformers.js refuses an empty list; nothing decodes to nothing.
    decode: (ids, options) => (ids.length === 0 ? '' : inner.decode([...ids], { skip_special_tokens: options?.skipSpecialTokens ?? false })),
    tokenId: (token) => {
      const id = inner.convert_tokens_to_ids(token) as number | null | undefined;
      return typeof id === 'number' ? id : null;
    },
    applyChatTemplate: (messages, options) => render(messages, options?.addGenerationPrompt ?? false),
    // The template writes the special tokens itself; adding more (a second BOS) would be wrong.
    encodeChat: (messages, options) => encode(render(messages, options?.addGenerationPrompt ?? false), false),
  };
}
