/**
 * From a checked request to a running generation: the model id resolved, the prompt's token ids
 * (text as the tokenizer encodes it, a chat through the model's chat template), OpenAI's sampling
 * parameters as the engine's options, and the request queued on its base model's scheduler.
 *
 * Sampling: without `temperature`, the model's own defaults (generation_config.json, else greedy),
 * as vLLM does; 0 is greedy, above 0 samples at that temperature (with `top_p`, `top_k` and the
 * model's defaults for the rest); `top_p` 0 is greedy too (its limit). OpenAI's finish reasons:
 * an EOS token or a stop string is 'stop', max_tokens or the context 'length'.
 */
import { promptTokens } from '../../../../engine/data/index';
import { QueueFullError, type BatchScheduler, type GenerateOptions, type Generation, type RowEvent } from '../../../../engine/generate/index';
import type { ModelsService } from '../../models/service';
import { resolveModel, type ServedModel } from './catalog';
import type { Engines } from './engines';
import { invalidRequest, queueFull } from './errors';
import type { ChatMessage, Sampling } from './requests';

export interface Running {
  served: ServedModel;
  promptTokens: number;
  events: AsyncGenerator<RowEvent, Generation>;
}

export type PromptSource = { kind: 'text'; prompt: string | number[] } | { kind: 'chat'; messages: ChatMessage[] };

export function finishReason(g: Generation): 'stop' | 'length' {
  return g.finishReason === 'length' ? 'length' : 'stop';
}

export function usage(promptTokens: number, completionTokens: number) {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export async function startGeneration(deps: { models: ModelsService; engines: Engines }, model: string, source: PromptSource, sampling: Sampling, signal: AbortSignal): Promise<Running> {
  const served = resolveModel(deps.models, model);
  const scheduler = await deps.engines.scheduler(served.base);
  const adapter = served.adapter ? await deps.engines.adapter(served.base, served.adapter) : null;
  const ids = source.kind === 'text' ? textIds(scheduler, source.prompt) : chatIds(scheduler, served, source.messages);
  const context = scheduler.config.maxPositions;
  if (ids.length >= context) {
    throw invalidRequest(`This model's maximum context length is ${context} tokens. However, your ${source.kind === 'chat' ? 'messages' : 'prompt'} resulted in ${ids.length} tokens, which leaves no room for a completion. Please reduce the length of the ${source.kind === 'chat' ? 'messages' : 'prompt'}.`, source.kind === 'chat' ? 'messages' : 'prompt', 'context_length_exceeded');
  }
  const greedy = sampling.temperature === 0 || sampling.topP === 0;
  const options: GenerateOptions = {
    adapter,
    signal,
    stop: sampling.stop,
    ...(sampling.maxTokens !== undefined ? { maxTokens: sampling.maxTokens } : {}),
    ...(greedy ? { doSample: false } : sampling.temperature !== undefined ? { doSample: true, temperature: sampling.temperature } : {}),
    ...(sampling.topP !== undefined && sampling.topP > 0 ? { topP: sampling.topP } : {}),
    ...(sampling.topK !== undefined ? { topK: sampling.topK } : {}),
    ...(sampling.repetitionPenalty !== undefined ? { repetitionPenalty: sampling.repetitionPenalty } : {}),
    ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
    ...(sampling.ignoreEos ? { eosTokenIds: [] } : {}),
  };
  try {
    return { served, promptTokens: ids.length, events: scheduler.stream(ids, options) };
  } catch (error) {
    if (error instanceof QueueFullError) throw queueFull(`${served.base} has too many requests waiting; retry shortly.`);
    // What the scheduler checks before queueing is the request's content (token ids, options).
    throw invalidRequest(error instanceof Error ? error.message.replace(/^generate: /, '') : String(error), source.kind === 'chat' ? 'messages' : 'prompt');
  }
}

/** Text as the tokenizer encodes it with its special tokens (a BOS where the model's tokenizer adds one), or ids as given. */
function textIds(scheduler: BatchScheduler, prompt: string | number[]): number[] {
  if (typeof prompt !== 'string') return prompt;
  return scheduler.tokenizer.encode(prompt, { addSpecialTokens: true });
}

/**
 * A chat through the model's chat template, ending where the assistant's reply starts. A model
 * without a template takes one user message (and a system message) in the plain instruction
 * format training uses; a longer conversation it cannot follow is refused.
 */
function chatIds(scheduler: BatchScheduler, served: ServedModel, messages: ChatMessage[]): number[] {
  const tk = scheduler.tokenizer;
  if (tk.hasChatTemplate) return tk.encodeChat(messages, { addGenerationPrompt: true });
  const system = messages.filter((m) => m.role === 'system');
  const turns = messages.filter((m) => m.role !== 'system');
  if (turns.length !== 1 || turns[0]!.role !== 'user' || system.length > 1 || (system.length === 1 && messages[0]!.role !== 'system')) {
    throw invalidRequest(`${served.base} has no chat template, so it takes one user message (after an optional system message), not a conversation; send one message, or use /v1/completions.`, 'messages', 'invalid_value');
  }
  return promptTokens(tk, { kind: 'instruction', id: 'chat', prompt: turns[0]!.content, ...(system[0] ? { system: system[0].content } : {}), response: '' }).ids;
}
