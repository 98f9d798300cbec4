/** POST /v1/completions: text completion, OpenAI's `text_completion` objects. */
import { randomUUID } from 'node:crypto';
import type { Generation } from '../../../../engine/generate/index';
import { finishReason } from './generation';
import type { Format, Usage } from './respond';

export function completionFormat(model: string): Format {
  const id = `cmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const head = { id, object: 'text_completion', created, model, system_fingerprint: null };
  const choice = (text: string, finish: string | null) => ({ text, index: 0, logprobs: null, finish_reason: finish });
  return {
    delta: (text: string) => ({ ...head, choices: [choice(text, null)] }),
    closing: (result: Generation) => ({ ...head, choices: [choice('', finishReason(result))] }),
    usage: (u: Usage) => ({ ...head, choices: [], usage: u }),
    whole: (result: Generation, u: Usage) => ({ ...head, choices: [choice(result.text, finishReason(result))], usage: u }),
  };
}
