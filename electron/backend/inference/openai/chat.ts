/** POST /v1/chat/completions: chat, OpenAI's `chat.completion` and `chat.completion.chunk` objects. */
import { randomUUID } from 'node:crypto';
import type { Generation } from '../../../../engine/generate/index';
import { finishReason } from './generation';
import type { Format, Usage } from './respond';

export function chatFormat(model: string): Format {
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: null };
  const delta = (d: object, finish: string | null) => ({ ...chunk, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }] });
  return {
    opening: () => delta({ role: 'assistant', content: '' }, null),
    delta: (text: string) => delta({ content: text }, null),
    closing: (result: Generation) => delta({}, finishReason(result)),
    usage: (u: Usage) => ({ ...chunk, choices: [], usage: u }),
    whole: (result: Generation, u: Usage) => ({
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: null,
      choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: null, finish_reason: finishReason(result) }],
      usage: u,
    }),
  };
}
