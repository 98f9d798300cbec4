/**
 * The request bodies of POST /v1/completions and /v1/chat/completions, checked as OpenAI checks
 * them: a bad value is a 400 naming the parameter in `param`, with OpenAI's wording and codes
 * (`missing_required_parameter`, `invalid_type`, `decimal_above_max_value`, …); an argument we do
 * not know is refused ("Unrecognized request argument"), one we know but do not implement is
 * refused unless it has its neutral value (n 1, penalties 0, no logprobs, no tools, …).
 *
 * Besides OpenAI's own, three parameters vLLM also takes: `top_k`, `repetition_penalty` and
 * `ignore_eos` (generate max_tokens tokens whatever the model says, for benchmarks).
 */
import { invalidRequest } from './errors';

export interface Sampling {
  maxTokens: number | undefined;
  /** undefined: the model's own default (generation_config.json, else greedy). */
  temperature: number | undefined;
  topP: number | undefined;
  topK: number | undefined;
  repetitionPenalty: number | undefined;
  stop: string[];
  seed: number | undefined;
  ignoreEos: boolean;
  stream: boolean;
  includeUsage: boolean;
}

export interface CompletionRequest extends Sampling {
  model: string;
  /** Text, or token ids. */
  prompt: string | number[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest extends Sampling {
  model: string;
  messages: ChatMessage[];
}

type Body = Record<string, unknown>;

const SAMPLING_KEYS = ['model', 'max_tokens', 'temperature', 'top_p', 'n', 'stream', 'stream_options', 'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'user', 'top_k', 'repetition_penalty', 'ignore_eos'];
const COMPLETION_KEYS = new Set([...SAMPLING_KEYS, 'prompt', 'echo', 'suffix', 'best_of']);
const CHAT_KEYS = new Set([...SAMPLING_KEYS, 'messages', 'max_completion_tokens', 'top_logprobs', 'response_format', 'tools', 'tool_choice', 'parallel_tool_calls', 'store', 'metadata']);

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const wrongType = (name: string, want: string, v: unknown) => invalidRequest(`Invalid type for '${name}': expected ${want}, but got ${typeName(v)} instead.`, name, 'invalid_type');

class Reader {
  constructor(readonly body: Body) {}

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  string(name: string, required: true): string;
  string(name: string, required?: false): string | undefined;
  string(name: string, required = false): string | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) {
      if (required) throw invalidRequest(`Missing required parameter: '${name}'.`, name, 'missing_required_parameter');
      return undefined;
    }
    if (typeof v !== 'string') throw wrongType(name, 'a string', v);
    return v;
  }

  number(name: string, range: { min: number; max?: number; exclusiveMin?: boolean; integer?: boolean }): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(name, range.integer ? 'an integer' : 'a number', v);
    if (range.integer && !Number.isInteger(v)) throw wrongType(name, 'an integer', v);
    const kind = range.integer ? 'integer' : 'decimal';
    if (range.exclusiveMin ? v <= range.min : v < range.min) {
      throw invalidRequest(`Invalid '${name}': ${kind} below minimum value. Expected a value ${range.exclusiveMin ? '>' : '>='} ${range.min}, but got ${v} instead.`, name, `${kind}_below_min_value`);
    }
    if (range.max !== undefined && v > range.max) throw invalidRequest(`Invalid '${name}': ${kind} above maximum value. Expected a value <= ${range.max}, but got ${v} instead.`, name, `${kind}_above_max_value`);
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw wrongType(name, 'a boolean', v);
    return v;
  }

  /** A parameter we take only at its neutral value(s). */
  neutral(name: string, ok: (v: unknown) => boolean, what: string): void {
    const v = this.body[name];
    if (v !== undefined && v !== null && !ok(v)) throw invalidRequest(`'${name}' is not supported by this server: ${what}.`, name, 'unsupported_parameter');
  }
}

function checkKeys(body: unknown, known: Set<string>): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.');
  const unknown = Object.keys(body).find((k) => !known.has(k));
  if (unknown !== undefined) throw invalidRequest(`Unrecognized request argument supplied: ${unknown}`, unknown, 'unknown_parameter');
  return body as Body;
}

function sampling(r: Reader, maxTokensName: string): Sampling {
  const n = r.number('n', { min: 1, max: 128, integer: true });
  if (n !== undefined && n !== 1) throw invalidRequest(`Invalid 'n': this server returns one choice per request (n = 1); send ${n} requests instead, which it batches together.`, 'n', 'unsupported_value');
  r.neutral('presence_penalty', (v) => v === 0, 'only 0 (use repetition_penalty)');
  r.neutral('frequency_penalty', (v) => v === 0, 'only 0 (use repetition_penalty)');
  r.neutral('logit_bias', (v) => typeof v === 'object' && Object.keys(v as object).length === 0, 'only an empty map');
  r.neutral('logprobs', (v) => v === false || v === 0, 'log probabilities are not returned');
  r.string('user');
  const stream = r.boolean('stream') ?? false;
  let includeUsage = false;
  const options = r.body.stream_options;
  if (options !== undefined && options !== null) {
    if (!stream) throw invalidRequest("Invalid 'stream_options': only allowed when 'stream' is true.", 'stream_options', 'invalid_value');
    if (typeof options !== 'object' || Array.isArray(options)) throw wrongType('stream_options', 'an object', options);
    const usage = (options as Body).include_usage;
    if (usage !== undefined && usage !== null && typeof usage !== 'boolean') throw wrongType('stream_options.include_usage', 'a boolean', usage);
    includeUsage = usage === true;
  }
  const rawStop = r.body.stop;
  let stop: string[] = [];
  if (typeof rawStop === 'string') stop = [rawStop];
  else if (Array.isArray(rawStop)) {
    if (!rawStop.every((s) => typeof s === 'string')) throw wrongType('stop', 'a string or an array of strings', rawStop);
    stop = rawStop;
  } else if (rawStop !== undefined && rawStop !== null) throw wrongType('stop', 'a string or an array of strings', rawStop);
  if (stop.length > 4) throw invalidRequest(`Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${stop.length} instead.`, 'stop', 'array_above_max_length');
  if (stop.some((s) => s.length === 0)) throw invalidRequest("Invalid 'stop': stop sequences must not be empty.", 'stop', 'invalid_value');
  return {
    maxTokens: r.number(maxTokensName, { min: 1, integer: true }),
    temperature: r.number('temperature', { min: 0, max: 2 }),
    topP: r.number('top_p', { min: 0, max: 1 }),
    topK: r.number('top_k', { min: 0, integer: true }),
    repetitionPenalty: r.number('repetition_penalty', { min: 0, max: 10, exclusiveMin: true }),
    stop,
    seed: r.number('seed', { min: -(2 ** 53 - 1), max: 2 ** 53 - 1, integer: true }),
    ignoreEos: r.boolean('ignore_eos') ?? false,
    stream,
    includeUsage,
  };
}

export function parseCompletionRequest(raw: unknown): CompletionRequest {
  const r = new Reader(checkKeys(raw, COMPLETION_KEYS));
  const model = r.string('model', true);
  r.neutral('echo', (v) => v === false, 'the prompt is never echoed');
  r.neutral('suffix', (v) => v === '', 'no insertion after a suffix');
  r.neutral('best_of', (v) => v === 1, 'only 1');
  const base = sampling(r, 'max_tokens');
  let prompt = r.body.prompt;
  if (prompt === undefined || prompt === null) throw invalidRequest("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  // One prompt per request: a string, or token ids; a list holding one of them is that one.
  if (Array.isArray(prompt) && prompt.length === 1 && (typeof prompt[0] === 'string' || Array.isArray(prompt[0]))) prompt = prompt[0];
  else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((p) => typeof p === 'string' || Array.isArray(p))) {
    throw invalidRequest(`Invalid 'prompt': this server takes one prompt per request, got ${prompt.length}; send one request each, which it batches together.`, 'prompt', 'unsupported_value');
  }
  if (typeof prompt === 'string') {
    if (prompt.length === 0) throw invalidRequest("Invalid 'prompt': the prompt is empty.", 'prompt', 'invalid_value');
    return { model, prompt, ...base, maxTokens: base.maxTokens ?? 16 };
  }
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((id) => Number.isInteger(id) && (id as number) >= 0)) return { model, prompt: prompt as number[], ...base, maxTokens: base.maxTokens ?? 16 };
  throw wrongType('prompt', 'a string, an array of one string, or token ids', prompt);
}

export function parseChatRequest(raw: unknown): ChatRequest {
  const r = new Reader(checkKeys(raw, CHAT_KEYS));
  const model = r.string('model', true);
  if (r.has('max_tokens') && r.has('max_completion_tokens')) throw invalidRequest("Send either 'max_tokens' or 'max_completion_tokens', not both.", 'max_tokens', 'invalid_value');
  const base = sampling(r, r.has('max_completion_tokens') ? 'max_completion_tokens' : 'max_tokens');
  r.neutral('top_logprobs', (v) => v === 0, 'log probabilities are not returned');
  r.neutral('response_format', (v) => typeof v === 'object' && (v as Body).type === 'text', "only { type: 'text' }");
  r.neutral('tools', (v) => Array.isArray(v) && v.length === 0, 'no tool calls');
  r.neutral('tool_choice', (v) => v === 'none', "only 'none'");
  r.boolean('parallel_tool_calls');
  r.boolean('store');
  const messages = r.body.messages;
  if (messages === undefined || messages === null) throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) throw wrongType('messages', 'an array', messages);
  if (messages.length === 0) throw invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  return { model, messages: messages.map((m, i) => chatMessage(m, i)), ...base };
}

function chatMessage(raw: unknown, i: number): ChatMessage {
  const at = `messages[${i}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw wrongType(at, 'an object', raw);
  const m = raw as Body;
  const role = m.role;
  if (role === undefined) throw invalidRequest(`Missing required parameter: '${at}.role'.`, `${at}.role`, 'missing_required_parameter');
  if (role !== 'system' && role !== 'developer' && role !== 'user' && role !== 'assistant') {
    throw invalidRequest(`Invalid value: ${JSON.stringify(role)}. Supported values are: 'system', 'developer', 'user' and 'assistant' (this server runs no tools).`, `${at}.role`, 'invalid_value');
  }
  const content = m.content;
  let text: string;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content) && content.every((p) => typeof p === 'object' && p !== null && (p as Body).type === 'text' && typeof (p as Body).text === 'string')) {
    text = content.map((p) => (p as { text: string }).text).join('');
  } else if (content === undefined || content === null) {
    throw invalidRequest(`Missing required parameter: '${at}.content'.`, `${at}.content`, 'missing_required_parameter');
  } else {
    throw invalidRequest(`Invalid '${at}.content': a string or an array of text parts ({ type: 'text', text }) is expected; this server reads text only.`, `${at}.content`, 'invalid_type');
  }
  return { role: role === 'developer' ? 'system' : role, content: text };
}
