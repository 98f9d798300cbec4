/**
 * Examples to rows of at most maxLength tokens: each example truncated to fit, then either one row
 * per example (the default) or several short examples packed into one row.
 *
 * Truncation keeps what is learned. An example longer than maxLength first loses prompt tokens
 * from the left, just after the prompt's head (BOS, the chat template's header and system turn),
 * so the model still sees the template's start and the end of the prompt where the answer begins;
 * the prompt keeps at least half of maxLength (or all of itself when shorter), and only then is
 * the answer cut, from the right. Text records have no prompt: they keep their first maxLength
 * tokens. A cut answer's last position still predicts its real next token, so no learned token is
 * lost beyond the cut.
 *
 * Packing (`packing: true`) puts examples end to end into rows, best-fit decreasing (longest
 * first, each into the fullest row it fits), which leaves little padding. An example's last target
 * is -100 (or its own next token when cut), so no example ever predicts the first token of the next
 * one. The training graphs have a causal mask only and positions run on across a row, so a packed
 * example can attend to the examples before it in its row, as transformers' default packing
 * (without position-id resets) does; with `packing: false` every example is alone in its row.
 */
import { exampleFromTokens, type Example } from './examples';

/** Where one example sits in a row: ids[start, end). */
export interface Segment {
  sourceIds: readonly string[];
  start: number;
  end: number;
}

export interface Row {
  ids: Int32Array;
  targets: Int32Array;
  /** The examples in the row, in order, with their token ranges. */
  segments: Segment[];
}

export interface PackOptions {
  /** Most tokens in a row (the model's context or less); at least 2. */
  maxLength: number;
  /** Several examples per row (default false: one each). */
  packing?: boolean;
}

export interface PackResult {
  rows: Row[];
  /** Examples that were longer than maxLength and were cut. */
  truncated: number;
}

function checkMaxLength(maxLength: number): void {
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new Error(`maxLength must be an integer of at least 2, got ${maxLength}`);
}

/** The example cut to maxLength tokens by the rules above; the same object when it fits. */
export function truncateExample(example: Example, maxLength: number): Example {
  checkMaxLength(maxLength);
  const { ids, promptLength } = example;
  if (ids.length <= maxLength) return example;
  const answerLength = ids.length - promptLength;
  const promptKeep = Math.min(promptLength, Math.max(Math.ceil(maxLength / 2), maxLength - answerLength));
  const answerKeep = maxLength - promptKeep;
  // Prompt tokens go from just after the head; a head longer than what the prompt keeps is itself cut at its end.
  const from = Math.min(example.headLength, promptKeep);
  const removed = promptLength - promptKeep;
  const prompt = [...ids.subarray(0, from), ...ids.subarray(from + removed, promptLength)];
  const answer = ids.subarray(promptLength, promptLength + answerKeep);
  const out = exampleFromTokens(prompt, [...answer], example.sourceIds, from);
  if (answerKeep < answerLength) out.targets[maxLength - 1] = ids[promptLength + answerKeep]!;
  return out;
}

function row(examples: readonly Example[]): Row {
  const length = examples.reduce((n, e) => n + e.ids.length, 0);
  const ids = new Int32Array(length);
  const targets = new Int32Array(length);
  const segments: Segment[] = [];
  let at = 0;
  for (const e of examples) {
    ids.set(e.ids, at);
    targets.set(e.targets, at);
    segments.push({ sourceIds: e.sourceIds, start: at, end: at + e.ids.length });
    at += e.ids.length;
  }
  return { ids, targets, segments };
}

/** Truncates every example to maxLength and makes rows of them, one per example or packed. */
export function packExamples(examples: readonly Example[], options: PackOptions): PackResult {
  const { maxLength } = options;
  checkMaxLength(maxLength);
  let truncated = 0;
  const fitted = examples.map((e) => {
    const t = truncateExample(e, maxLength);
    if (t !== e) truncated++;
    return t;
  });
  if (!options.packing) return { rows: fitted.map((e) => row([e])), truncated };

  // Longest first (ties in input order), each into the row with the least room that still fits it.
  const order = fitted.map((_, i) => i).sort((a, b) => fitted[b]!.ids.length - fitted[a]!.ids.length || a - b);
  const bins: Example[][] = [];
  const byRoom: number[][] = Array.from({ length: maxLength + 1 }, () => []);
  for (const i of order) {
    const e = fitted[i]!;
    let room = e.ids.length;
    while (room <= maxLength && byRoom[room]!.length === 0) room++;
    let bin: number;
    if (room <= maxLength) bin = byRoom[room]!.pop()!;
    else {
      bin = bins.length;
      bins.push([]);
      room = maxLength;
    }
    bins[bin]!.push(e);
    byRoom[room - e.ids.length]!.push(bin);
  }
  return { rows: bins.map(row), truncated };
}

/** Every record id in the row, in order. */
export function rowSourceIds(r: Row): string[] {
  return r.segments.flatMap((s) => s.sourceIds);
}
