/**
 * Records to token sequences for the training graphs. The graphs (gpt2TrainingGraph,
 * llamaGraph 'train') take input_ids and targets of one shape, targets already shifted: targets[t]
 * is the token expected after position t, and -100 where no loss is taken. An example keeps that
 * exact form, so a row of the batch is its ids and targets as they are.
 *
 * An example is a prompt (never learned) followed by an answer (learned): the prompt's positions
 * all get -100 except the last, which predicts the answer's first token; the answer's positions
 * predict the next answer token; the last position predicts nothing. Text records have no prompt.
 * This is Hugging Face's `labels` with -100 on the prompt, shifted by one as its models do inside
 * the loss, so the mean loss over the kept targets is the one transformers would compute.
 */
import type { Tokenizer } from '../tokenize/tokenizer';
import { checkRecord, type ClassificationRecord, type InstructionRecord, type TrainingRecord } from './records';
import { classificationPrompt, instructionTexts, type InstructionTexts } from './templates';

/** The target value that the training graphs' cross-entropy skips. */
export const IGNORE_INDEX = -100;

export interface Example {
  ids: Int32Array;
  /** Same length as ids; targets[t] is the token after position t, or IGNORE_INDEX. */
  targets: Int32Array;
  /** The records this example came from (one, its TrainingRecord id). */
  sourceIds: string[];
  /** Leading tokens that are the prompt (0 for text). */
  promptLength: number;
  /** Leading prompt tokens that truncation keeps: BOS, the template's header and system turn. */
  headLength: number;
}

export interface ExampleOptions {
  /**
   * Instruction and classification records: render them with the tokenizer's chat template when it
   * has one (default true); false, or a tokenizer without one, uses the plain format (templates.ts).
   */
  chatTemplate?: boolean;
}

function requireEos(tokenizer: Tokenizer): number {
  if (!tokenizer.eos) throw new Error(`the tokenizer in ${tokenizer.dir} has no EOS token, so an example's end cannot be learned`);
  return tokenizer.eos.id;
}

/**
 * Text to ids, with a BOS in front when the tokenizer's post-processor adds one (Llama's does,
 * GPT-2's does not). Only the BOS is taken from it: a post-processor that also appends an EOS would
 * put one between the prompt and its answer.
 */
function encodeWithBos(tokenizer: Tokenizer, text: string): number[] {
  const ids = tokenizer.encode(text);
  const bos = tokenizer.bos?.id;
  if (bos === undefined || ids[0] === bos) return ids;
  return tokenizer.encode(text, { addSpecialTokens: true })[0] === bos ? [bos, ...ids] : ids;
}

const startsWith = (ids: readonly number[], prefix: readonly number[]): boolean => prefix.length <= ids.length && prefix.every((id, i) => ids[i] === id);

/** The record as an instruction: a classification is its question answered by its label. */
function asInstruction(record: InstructionRecord | ClassificationRecord): InstructionRecord {
  if (record.kind === 'instruction') return record;
  return { kind: 'instruction', id: record.id, prompt: classificationPrompt(record.text, record.labels), response: record.label };
}

export interface PromptTokens {
  format: 'chat' | 'plain';
  /** The prompt's ids, ending where the model's answer starts: what inference feeds the model. */
  ids: number[];
  /** How many leading ids are the template's head (kept by truncation). */
  headLength: number;
}

function promptOf(tokenizer: Tokenizer, texts: InstructionTexts): PromptTokens {
  // A chat template writes its own special tokens (BOS included); the plain format gets the tokenizer's BOS.
  const encode = texts.format === 'chat' ? (t: string) => tokenizer.encode(t) : (t: string) => encodeWithBos(tokenizer, t);
  const ids = encode(texts.prompt);
  const head = encode(texts.head);
  // The head is kept only where it tokenizes as the prompt's own first tokens; otherwise just a BOS.
  const bosOnly = tokenizer.bos !== null && ids[0] === tokenizer.bos.id ? 1 : 0;
  return { format: texts.format, ids, headLength: texts.head.length > 0 && startsWith(ids, head) ? head.length : bosOnly };
}

/**
 * The answer's ids. Plain format: the response and the EOS. Chat template: the template's
 * rendering of the assistant turn (its end-of-turn marker is the stop a chat model learns), up to
 * and including the first EOS; what a template writes after it (ChatML's newline) is never
 * generated, so it is not learned. The answer is tokenized apart from the prompt, as generation
 * produces it after the prompt's ids.
 */
function answerOf(tokenizer: Tokenizer, texts: InstructionTexts): number[] {
  if (texts.format === 'plain') return [...tokenizer.encode(texts.response), requireEos(tokenizer)];
  const ids = tokenizer.encode(texts.response);
  const eos = tokenizer.eos?.id;
  const end = eos === undefined ? -1 : ids.indexOf(eos);
  return end >= 0 ? ids.slice(0, end + 1) : ids;
}

/**
 * The prompt of an instruction or classification record as ids, exactly as training sees it; an
 * inference of a trained adapter gives the model these ids and lets it write the answer.
 */
export function promptTokens(tokenizer: Tokenizer, record: InstructionRecord | ClassificationRecord, options: ExampleOptions = {}): PromptTokens {
  return promptOf(tokenizer, instructionTexts(tokenizer, asInstruction(record), options.chatTemplate ?? true));
}

/** An example from its prompt and answer ids: the prompt masked, the answer learned. */
export function exampleFromTokens(prompt: readonly number[], answer: readonly number[], sourceIds: string[], headLength = 0): Example {
  const n = prompt.length + answer.length;
  const ids = new Int32Array(n);
  ids.set(prompt, 0);
  ids.set(answer, prompt.length);
  const targets = new Int32Array(n).fill(IGNORE_INDEX);
  // Position t predicts token t + 1, which is learned when it belongs to the answer.
  for (let t = Math.max(0, prompt.length - 1); t + 1 < n; t++) targets[t] = ids[t + 1]!;
  return { ids, targets, sourceIds, promptLength: prompt.length, headLength: Math.min(headLength, prompt.length) };
}

/**
 * One record as one example (no truncation: packing.ts does that). Instruction: prompt masked,
 * response and end learned. Classification: the same with classificationPrompt as the prompt and
 * the label as the response, so only the label's tokens and the end are learned. Text: BOS (when the
 * tokenizer adds one), the text and the EOS, all learned.
 */
export function toExample(tokenizer: Tokenizer, record: TrainingRecord, options: ExampleOptions = {}): Example {
  checkRecord(record);
  let example: Example;
  if (record.kind === 'text') {
    example = exampleFromTokens([], [...encodeWithBos(tokenizer, record.text), requireEos(tokenizer)], [record.id]);
  } else {
    const texts = instructionTexts(tokenizer, asInstruction(record), options.chatTemplate ?? true);
    const prompt = promptOf(tokenizer, texts);
    example = exampleFromTokens(prompt.ids, answerOf(tokenizer, texts), [record.id], prompt.headLength);
  }
  if (!example.targets.some((t) => t !== IGNORE_INDEX)) {
    throw new Error(`training record ${JSON.stringify(record.id)}: nothing to learn (its ${record.kind === 'text' ? 'text' : 'answer'} has no tokens)`);
  }
  return example;
}

export function toExamples(tokenizer: Tokenizer, records: Iterable<TrainingRecord>, options: ExampleOptions = {}): Example[] {
  const out: Example[] = [];
  for (const record of records) out.push(toExample(tokenizer, record, options));
  return out;
}

/** The id batches are padded with: the tokenizer's pad token, else its EOS, else 0 (padding is never a target or attended to by real tokens). */
export function padTokenId(tokenizer: Tokenizer): number {
  return tokenizer.pad?.id ?? tokenizer.eos?.id ?? 0;
}
