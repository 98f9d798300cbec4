import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecord, IGNORE_INDEX, packExamples, promptTokens, rowSourceIds, toExample, truncateExample, type Example, type TrainingRecord } from '../../engine/data/index';
import { loadTokenizer } from '../../engine/tokenize/load';
import type { Tokenizer } from '../../engine/tokenize/tokenizer';
import { writeTinyModel } from '../fixtures/tiny-models';

let gpt2: Tokenizer; // no chat template, EOS <|endoftext|>
let qwen2: Tokenizer; // ChatML template, EOS <|im_end|>
// Not tempDir: that one is emptied after each test, and these tokenizers serve the whole file.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'training-examples-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  gpt2 = await loadTokenizer(writeTinyModel(path.join(root, 'gpt2'), { architecture: 'gpt2' }).dir);
  qwen2 = await loadTokenizer(writeTinyModel(path.join(root, 'qwen2'), { architecture: 'qwen2' }).dir);
});

const kept = (e: { targets: Int32Array }) => [...e.targets].filter((t) => t !== IGNORE_INDEX);
const text = (tok: Tokenizer, ids: ArrayLike<number>) => tok.decode(Array.from(ids));

/** The example's targets, rebuilt independently the way transformers does it: labels (-100 on the prompt) shifted left by one. */
function hfShifted(ids: Int32Array, promptLength: number): number[] {
  const labels = [...ids].map((id, i) => (i < promptLength ? IGNORE_INDEX : id));
  return [...labels.slice(1), IGNORE_INDEX];
}

describe('records to examples', () => {
  it('instruction, plain format: the prompt is masked at every position, the response and EOS are the targets', () => {
    const record: TrainingRecord = { kind: 'instruction', id: 'it_1@0', prompt: 'Say hello to the world', response: 'Hello world! How are you?' };
    const e = toExample(gpt2, record);
    expect(text(gpt2, e.ids)).toBe('### Instruction:\nSay hello to the world\n\n### Response:\nHello world! How are you?<|endoftext|>');
    expect(text(gpt2, e.ids.subarray(0, e.promptLength))).toBe('### Instruction:\nSay hello to the world\n\n### Response:\n');
    expect(e.targets).toHaveLength(e.ids.length);
    expect([...e.targets]).toEqual(hfShifted(e.ids, e.promptLength));
    // Exactly the positions before the last prompt token are masked, and the last position.
    for (let t = 0; t < e.ids.length; t++) {
      const learned = t >= e.promptLength - 1 && t < e.ids.length - 1;
      expect(e.targets[t] !== IGNORE_INDEX, `position ${t}`).toBe(learned);
    }
    expect(text(gpt2, kept(e))).toBe('Hello world! How are you?<|endoftext|>');
    expect(e.sourceIds).toEqual(['it_1@0']);
    expect(text(gpt2, e.ids.subarray(0, e.headLength))).toBe('### Instruction:\n');
  });

  it('instruction with a system turn, plain format: the system text leads the head', () => {
    const e = toExample(gpt2, { kind: 'instruction', id: 'a', system: 'Be brief.', prompt: 'Hi', response: 'Hello' });
    expect(text(gpt2, e.ids)).toBe('Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello<|endoftext|>');
    expect(text(gpt2, e.ids.subarray(0, e.headLength))).toBe('Be brief.\n\n### Instruction:\n');
    // An empty system is no system.
    expect(text(gpt2, toExample(gpt2, { kind: 'instruction', id: 'b', system: '', prompt: 'Hi', response: 'Hello' }).ids)).toBe('### Instruction:\nHi\n\n### Response:\nHello<|endoftext|>');
  });

  it('instruction with a chat template: the prompt is what inference feeds, the assistant turn up to <|im_end|> is learned', () => {
    const record: TrainingRecord = { kind: 'instruction', id: 'x', system: 'You answer in French.', prompt: 'Say hello', response: 'Bonjour le monde' };
    const e = toExample(qwen2, record);
    const conversation = [
      { role: 'system', content: 'You answer in French.' },
      { role: 'user', content: 'Say hello' },
    ];
    expect([...e.ids.subarray(0, e.promptLength)]).toEqual(qwen2.encodeChat(conversation, { addGenerationPrompt: true }));
    expect(promptTokens(qwen2, record).ids).toEqual([...e.ids.subarray(0, e.promptLength)]);
    // The whole conversation as the template writes it, less what follows the end of turn.
    const full = qwen2.applyChatTemplate([...conversation, { role: 'assistant', content: 'Bonjour le monde' }]);
    expect(full.endsWith('<|im_end|>\n')).toBe(true);
    expect(text(qwen2, e.ids)).toBe(full.slice(0, -1));
    expect(text(qwen2, kept(e))).toBe('Bonjour le monde<|im_end|>');
    expect([...e.targets]).toEqual(hfShifted(e.ids, e.promptLength));
    expect(text(qwen2, e.ids.subarray(0, e.headLength))).toBe('<|im_start|>system\nYou answer in French.<|im_end|>\n<|im_start|>user\n');
  });

  it('chatTemplate: false renders the plain format even when the tokenizer has a template', () => {
    const e = toExample(qwen2, { kind: 'instruction', id: 'x', prompt: 'Hi', response: 'Hello' }, { chatTemplate: false });
    expect(text(qwen2, e.ids)).toBe('### Instruction:\nHi\n\n### Response:\nHello<|im_end|>');
    expect(text(qwen2, kept(e))).toBe('Hello<|im_end|>');
  });

  it('classification: the text and the choices are the prompt, only the label and the end are learned', () => {
    const record: TrainingRecord = { kind: 'classification', id: 'c', text: 'The fox runs on.', label: 'neutral', labels: ['positive', 'negative', 'neutral'] };
    for (const tok of [gpt2, qwen2]) {
      const e = toExample(tok, record);
      expect(text(tok, e.ids.subarray(0, e.promptLength))).toContain('The fox runs on.\n\nClassify the text above as one of: positive, negative, neutral.');
      expect(text(tok, kept(e))).toBe(`neutral${tok.eos!.token}`);
      expect([...e.targets]).toEqual(hfShifted(e.ids, e.promptLength));
    }
  });

  it('text: causal LM, every next token is a target and the EOS ends it', () => {
    const e = toExample(gpt2, { kind: 'text', id: 't', text: 'Once upon a time there was a tiny model.' });
    expect(text(gpt2, e.ids)).toBe('Once upon a time there was a tiny model.<|endoftext|>');
    expect(e.promptLength).toBe(0);
    expect([...e.targets]).toEqual([...e.ids.subarray(1), IGNORE_INDEX]);
    expect(text(gpt2, [e.ids[0]!, ...kept(e)])).toBe('Once upon a time there was a tiny model.<|endoftext|>');
  });

  it('refuses bad records with the record and the member named', () => {
    expect(() => checkRecord({ kind: 'image', id: 'r1' })).toThrow(/training record "r1": kind must be one of instruction, text, classification, got "image"/);
    expect(() => checkRecord({ kind: 'text', id: '', text: 'x' })).toThrow(/id must be a non-empty string/);
    expect(() => checkRecord({ kind: 'instruction', id: 'r2', prompt: 'p' })).toThrow(/"r2": response must be a string/);
    expect(() => toExample(gpt2, { kind: 'classification', id: 'r3', text: 't', label: 'maybe', labels: ['yes', 'no'] })).toThrow(/"r3": label "maybe" is not one of its labels \(yes, no\)/);
    expect(() => toExample(gpt2, { kind: 'text', id: 'r4', text: '' })).toThrow(/"r4": nothing to learn/);
  });
});

describe('truncation', () => {
  const longPrompt = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');

  it('cuts a long prompt from the left after its head, and keeps the whole response', () => {
    for (const tok of [gpt2, qwen2]) {
      const full = toExample(tok, { kind: 'instruction', id: 'p', prompt: longPrompt, response: 'Hello world!' });
      const answer = full.ids.length - full.promptLength;
      const cut = truncateExample(full, 60);
      expect(cut.ids).toHaveLength(60);
      expect(cut.headLength).toBe(full.headLength);
      expect([...cut.ids.subarray(0, cut.headLength)]).toEqual([...full.ids.subarray(0, full.headLength)]);
      // What is left of the prompt after its head is the end of the original prompt.
      expect([...cut.ids.subarray(cut.headLength, cut.promptLength)]).toEqual([...full.ids.subarray(full.promptLength - (cut.promptLength - cut.headLength), full.promptLength)]);
      expect(cut.promptLength).toBe(60 - answer);
      expect(text(tok, kept(cut))).toBe(`Hello world!${tok.eos!.token}`);
      expect([...cut.targets]).toEqual(hfShifted(cut.ids, cut.promptLength));
      expect(text(tok, cut.ids)).toMatch(/word29\n\n### Response:\nHello world!|word29<\|im_end\|>\n<\|im_start\|>assistant\nHello world!/);
    }
  });

  it('keeps half of maxLength for the prompt and then cuts the response from the right; its last position predicts the real next token', () => {
    const full = toExample(gpt2, { kind: 'instruction', id: 'r', prompt: longPrompt, response: longPrompt });
    const cut = truncateExample(full, 41);
    expect(cut.ids).toHaveLength(41);
    expect(cut.promptLength).toBe(21);
    const answer = [...full.ids.subarray(full.promptLength)];
    expect([...cut.ids.subarray(21)]).toEqual(answer.slice(0, 20));
    // The targets are the response's first 21 tokens: 20 predicted inside the row, the 21st from the last position.
    expect(kept(cut)).toEqual(answer.slice(0, 21));
    expect(cut.targets[40]).toBe(answer[20]);
  });

  it('text keeps its first maxLength tokens', () => {
    const full = toExample(gpt2, { kind: 'text', id: 't', text: longPrompt });
    const cut = truncateExample(full, 10);
    expect([...cut.ids]).toEqual([...full.ids.subarray(0, 10)]);
    expect([...cut.targets]).toEqual([...full.ids.subarray(1, 11)]);
    expect(truncateExample(full, full.ids.length)).toBe(full);
    expect(() => truncateExample(full, 1)).toThrow(/maxLength must be an integer of at least 2, got 1/);
  });
});

describe('packing', () => {
  const records: TrainingRecord[] = Array.from({ length: 9 }, (_, i) => ({
    kind: 'instruction',
    id: `r${i}`,
    prompt: `Question ${i}: ${'the fox '.repeat(i)}`,
    response: `Answer ${i}`,
  }));

  const segmentOf = (rows: ReturnType<typeof packExamples>['rows'], id: string) => {
    for (const r of rows) for (const s of r.segments) if (s.sourceIds.includes(id)) return { r, s };
    throw new Error(`${id} is in no row`);
  };

  it('packs short examples into rows of at most maxLength; each example is once in a row, intact, and never predicts the next one', () => {
    const examples = records.map((r) => toExample(gpt2, r));
    const maxLength = 128;
    const { rows, truncated } = packExamples(examples, { maxLength, packing: true });
    expect(truncated).toBe(0);
    expect(rows.length).toBeLessThan(examples.length);
    const total = examples.reduce((n, e) => n + e.ids.length, 0);
    expect(rows.reduce((n, r) => n + r.ids.length, 0)).toBe(total);
    expect(rows.every((r) => r.ids.length <= maxLength && r.targets.length === r.ids.length)).toBe(true);
    expect(rows.flatMap(rowSourceIds).sort()).toEqual(records.map((r) => r.id).sort());
    for (const [i, e] of examples.entries()) {
      const { r, s } = segmentOf(rows, `r${i}`);
      expect([...r.ids.subarray(s.start, s.end)]).toEqual([...e.ids]);
      expect([...r.targets.subarray(s.start, s.end)]).toEqual([...e.targets]);
      expect(text(gpt2, kept({ targets: r.targets.subarray(s.start, s.end) }))).toBe(`Answer ${i}<|endoftext|>`);
    }
    for (const r of rows) {
      for (let k = 0; k + 1 < r.segments.length; k++) expect(r.targets[r.segments[k]!.end - 1]).toBe(IGNORE_INDEX);
      expect(r.segments.map((s) => [s.start, s.end]).flat()).toEqual([0, ...r.segments.slice(0, -1).flatMap((s) => [s.end, s.end]), r.ids.length]);
    }
    // Deterministic: the same examples give the same rows.
    expect(packExamples(examples, { maxLength, packing: true }).rows).toEqual(rows);
  });

  it('best fit decreasing: three examples that exactly fill two rows do', () => {
    const ex = (id: string, n: number): Example => ({ ids: new Int32Array(n).fill(5), targets: new Int32Array(n).fill(IGNORE_INDEX), sourceIds: [id], promptLength: 0, headLength: 0 });
    const { rows } = packExamples([ex('a', 6), ex('b', 10), ex('c', 4)], { maxLength: 10, packing: true });
    expect(rows.map(rowSourceIds)).toEqual([['b'], ['a', 'c']]);
  });

  it('without packing each example is its own row, truncated to maxLength', () => {
    const examples = records.map((r) => toExample(gpt2, r));
    const { rows, truncated } = packExamples(examples, { maxLength: 50 });
    expect(rows.map(rowSourceIds)).toEqual(records.map((r) => [r.id]));
    expect(truncated).toBe(examples.filter((e) => e.ids.length > 50).length);
    expect(truncated).toBeGreaterThan(0);
    for (const [i, r] of rows.entries()) {
      expect(r.ids.length).toBe(Math.min(50, examples[i]!.ids.length));
      expect(text(gpt2, kept(r))).toBe(`Answer ${i}<|endoftext|>`);
    }
  });
});
