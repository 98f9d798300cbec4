import { ChatMessage } from '../../../../../shared/datanets/item';
import type { FileReader, ImportedAnnotation } from '../types';
import { guardRead } from './file-source';
import { readJsonLines, type LineResult } from './json-lines';
import { jsonRecordItem } from './json-record';
import { annotationFor, isItemId, mapRecord, setField, type Fields } from './record-mapping';

/**
 * Hugging Face style JSONL. A line is either an instruction record `{prompt, response, system?}`
 * (`completion` is accepted for `response`, as TRL's prompt-completion datasets name it) or a chat
 * `{messages: [{role, content}, ...]}`.
 *
 * The item's text is a readable rendering: `system`, `prompt` and `response` separated by blank
 * lines, or each message as `role: content`. The fields keep the originals (`prompt`, `response`,
 * `system` or `messages`). If the schema has an instruction_pair field, the first one also gets an
 * annotation `{system, prompt, response}`; for a chat: the system messages, the last user message
 * before the last assistant message, and that assistant message (earlier turns stay in `messages`).
 * Other keys are mapped like JSONL (fields, or labels for schema fields); `map.text` does not apply.
 *
 * Rows of our own exports (an `id` that is one of our item ids: the HF folder's `data/*.jsonl`, or
 * a JSONL export) are not rendered from prompt and response: they keep their text, fields, image
 * and labels as the exporter wrote them (`jsonRecordItem`).
 */
const OWN_KEYS = ['prompt', 'response', 'completion', 'system', 'messages'];

type Pair = { system: string; prompt: string; response: string };
type Parsed = { text: string; fields: Fields; pair: Pair | null } | { reason: string };

const NOT_HF = 'not a Hugging Face record: expected prompt and response strings, or messages [{role, content}]';

function fromInstruction(record: Record<string, unknown>): Parsed {
  const responseKey = Object.hasOwn(record, 'response') ? 'response' : 'completion';
  const { prompt, system } = record;
  const response = record[responseKey];
  if (typeof prompt !== 'string' || typeof response !== 'string') return { reason: `${NOT_HF} (prompt and ${responseKey} must be strings)` };
  if (system !== undefined && system !== null && typeof system !== 'string') return { reason: 'system must be a string' };
  const fields: Fields = {};
  if (typeof system === 'string') fields.system = system;
  fields.prompt = prompt;
  setField(fields, responseKey, response);
  const text = [system, prompt, response].filter((s): s is string => typeof s === 'string' && s !== '').join('\n\n');
  return { text, fields, pair: { system: system ?? '', prompt, response } };
}

function fromMessages(raw: unknown): Parsed {
  if (!Array.isArray(raw) || raw.length === 0) return { reason: 'messages must be a non-empty array of {role, content}' };
  const messages: ChatMessage[] = [];
  for (const [i, m] of raw.entries()) {
    // Keep role and content only: extra keys (name, tool ids) are not part of a chat item.
    const parsed = ChatMessage.safeParse(typeof m === 'object' && m !== null ? { role: (m as Record<string, unknown>).role, content: (m as Record<string, unknown>).content } : m);
    if (!parsed.success) return { reason: `messages[${i}] must be {role: string, content: string}` };
    messages.push(parsed.data);
  }
  const text = messages.map((m) => `${m.role}: ${m.content}`).join('\n\n');
  const last = messages.findLastIndex((m) => m.role === 'assistant');
  const userIndex = last === -1 ? -1 : messages.slice(0, last).findLastIndex((m) => m.role === 'user');
  const pair =
    userIndex === -1
      ? null
      : {
          system: messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n'),
          prompt: messages[userIndex]!.content,
          response: messages[last]!.content,
        };
  return { text, fields: { messages }, pair };
}

/** Splits an HF record into its chat/instruction part and the other keys. */
function hfLine(record: Record<string, unknown>): { parsed: Parsed; rest: Record<string, unknown> } {
  const rest = Object.fromEntries(Object.entries(record).filter(([k]) => !OWN_KEYS.includes(k)));
  if (Object.hasOwn(record, 'messages')) return { parsed: fromMessages(record.messages), rest };
  if (Object.hasOwn(record, 'prompt')) return { parsed: fromInstruction(record), rest };
  return { parsed: { reason: NOT_HF }, rest };
}

export const readHf: FileReader = (file, options) =>
  guardRead(
    file,
    options.signal,
    readJsonLines(file, options, (record, line): LineResult | Promise<LineResult> => {
      if (isItemId(record.id)) return jsonRecordItem(record, line, file, options);
      const { parsed, rest } = hfLine(record);
      if ('reason' in parsed) return { item: null, problems: [parsed.reason] };
      const others = mapRecord(rest, { map: options.map, schema: options.schema, text: 'none', labels: true });
      if (!others.ok) return { item: null, problems: [others.reason] };
      let annotations: ImportedAnnotation[] = others.annotations;
      const problems = [...others.problems];
      const pairField = options.schema.fields.find((f) => f.kind === 'instruction_pair');
      if (pairField && parsed.pair) {
        const result = annotationFor(pairField, parsed.pair, null, 'the prompt and response');
        annotations = annotations.filter((a) => a.field !== pairField.name);
        if ('annotation' in result) annotations.push(result.annotation);
        else problems.push(result.problem);
      }
      return {
        item: { content: { text: parsed.text, fields: { ...others.fields, ...parsed.fields }, image: null }, source: { path: file, line }, annotations },
        problems,
      };
    }),
  );
