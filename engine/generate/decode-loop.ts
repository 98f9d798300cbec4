/**
 * The generation loop over a batch of prompts: one prefill over the left-padded prompts, then one
 * token per row per step with the KV cache, until every row has finished.
 *
 * Left padding as transformers' generate does it: pads get attention_mask 0, and positions are
 * cumsum(attention_mask) − 1, so each prompt sees the positions it would see alone and its
 * tokens come out the same as alone. A row that finished keeps being fed (a pad token, its
 * output ignored) while the others go on, as in transformers.
 */
import type * as ort from 'onnxruntime-node';
import type { Tokenizer } from '../tokenize/tokenizer';
import { Prng } from '../train/prng';
import type { DecodeSession } from './decode-session';
import { chooseToken } from './logits-processors';
import type { ResolvedOptions } from './options';
import { TextStream } from './text-stream';

/** One step's news for one row. */
export interface TokenEvent {
  /** The prompt's index in the batch (0 for a single prompt). */
  row: number;
  /**
   * The generated token, or null for text released when the row ends (text held back for a
   * partial character or a possible stop-string start). EOS tokens are not reported.
   */
  tokenId: number | null;
  /** New text ('' when the token completes no character yet); the deltas joined are the row's text. */
  text: string;
}

/** Why a row ended: an EOS token, a stop string, or maxTokens (or the model's context) reached. */
export type FinishReason = 'eos' | 'stop' | 'length';

export interface Generation {
  /** The generated tokens, without the EOS token; with a stop string, up to the token that completed it. */
  tokenIds: number[];
  /** Their text, special tokens skipped, cut before a stop string. */
  text: string;
  finishReason: FinishReason;
  /** Which stop string ended it (finishReason 'stop'). */
  stop?: string;
  promptTokens: number;
}

export interface BatchRequest {
  session: DecodeSession;
  lora: Record<string, ort.Tensor>;
  prompts: readonly (readonly number[])[];
  options: ResolvedOptions;
  tokenizer: Pick<Tokenizer, 'decode'>;
  /** The id fed at left-padding positions and for finished rows (any valid id: it is masked or ignored). */
  padId: number;
  signal?: AbortSignal;
}

interface Row {
  prompt: readonly number[];
  seen: Set<number>;
  out: number[];
  stream: TextStream;
  finish: FinishReason | null;
  /** The position the row's next token is fed at. */
  next: number;
}

export async function* decodeBatch(req: BatchRequest): AsyncGenerator<TokenEvent, Generation[]> {
  const { session, prompts, options, signal } = req;
  const { vocabSize: V, maxPositions } = session.config;
  const B = prompts.length;
  if (B === 0) throw new Error('generate: no prompts');
  prompts.forEach((p, i) => {
    const name = B === 1 ? 'the prompt' : `prompt ${i}`;
    if (p.length === 0) throw new Error(`generate: ${name} is empty (at least one token is needed)`);
    if (p.length > maxPositions) throw new Error(`generate: ${name} has ${p.length} tokens, the model's context is ${maxPositions}`);
    const bad = p.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad !== undefined) throw new Error(`generate: ${name} has token id ${bad}, outside the vocabulary [0, ${V})`);
  });
  signal?.throwIfAborted();

  const L = Math.max(...prompts.map((p) => p.length));
  const ids = new BigInt64Array(B * L).fill(BigInt(req.padId));
  const positions = new BigInt64Array(B * L);
  let mask: number[][] = prompts.map((p) => [...new Array<number>(L - p.length).fill(0), ...new Array<number>(p.length).fill(1)]);
  prompts.forEach((p, b) => {
    p.forEach((id, t) => {
      ids[b * L + L - p.length + t] = BigInt(id);
      positions[b * L + L - p.length + t] = BigInt(t);
    });
  });
  const rows: Row[] = prompts.map((p) => ({ prompt: p, seen: new Set(p), out: [], stream: new TextStream(req.tokenizer, options.stop), finish: null, next: p.length }));
  const rng = new Prng(options.seed);
  const kv = session.start(B);
  let logits = await session.step(kv, ids, positions, flat(mask), req.lora);

  for (;;) {
    const events: TokenEvent[] = [];
    const fed = new BigInt64Array(B).fill(BigInt(req.padId));
    rows.forEach((row, b) => {
      if (row.finish) return;
      // The logits are this step's own copy, used once: the processors may work on them in place.
      const token = chooseToken(logits.subarray(b * V, (b + 1) * V), row.seen, options.choice, rng);
      fed[b] = BigInt(token);
      if (options.eosTokenIds.has(token)) {
        row.finish = 'eos';
      } else {
        row.out.push(token);
        row.seen.add(token);
        events.push({ row: b, tokenId: token, text: row.stream.push(token) });
        if (row.stream.stopped !== null) row.finish = 'stop';
        // The next token would be fed at position `next`, which the model must have.
        else if (row.out.length >= options.maxTokens || row.next >= maxPositions) row.finish = 'length';
        row.next++;
      }
      if (row.finish) {
        const rest = row.stream.finish();
        if (rest) events.push({ row: b, tokenId: null, text: rest });
      }
    });
    for (const e of events) yield e;
    if (rows.every((r) => r.finish)) break;
    signal?.throwIfAborted();
    mask = mask.map((m) => [...m, 1]);
    const at = BigInt64Array.from(rows, (r) => BigInt(Math.min(r.next - 1, maxPositions - 1)));
    logits = await session.step(kv, fed, at, flat(mask), req.lora);
  }
  return rows.map((r) => ({
    tokenIds: r.out,
    text: r.stream.text,
    finishReason: r.finish!,
    ...(r.stream.stopped !== null ? { stop: r.stream.stopped } : {}),
    promptTokens: r.prompt.length,
  }));
}

function flat(mask: number[][]): BigInt64Array {
  const width = mask[0]!.length;
  const out = new BigInt64Array(mask.length * width);
  mask.forEach((m, b) => m.forEach((v, t) => (out[b * width + t] = BigInt(v))));
  return out;
}
