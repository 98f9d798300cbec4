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
import type { ResolvedOptions } from './options';
import { checkPrompt, RowState, type Generation } from './row-state';

export type { FinishReason, Generation } from './row-state';

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

export async function* decodeBatch(req: BatchRequest): AsyncGenerator<TokenEvent, Generation[]> {
  const { session, prompts, options, signal } = req;
  const { vocabSize: V, maxPositions } = session.config;
  const B = prompts.length;
  if (B === 0) throw new Error('generate: no prompts');
  prompts.forEach((p, i) => checkPrompt(p, B === 1 ? 'the prompt' : `prompt ${i}`, V, maxPositions));
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
  const rows = prompts.map((p) => new RowState(p, options, req.tokenizer, maxPositions));
  const rng = new Prng(options.seed);
  const kv = session.start(B);
  let logits = await session.step(kv, ids, positions, flat(mask), req.lora);

  for (;;) {
    const events: TokenEvent[] = [];
    const fed = new BigInt64Array(B).fill(BigInt(req.padId));
    rows.forEach((row, b) => {
      if (row.finish) return;
      const { token, events: news } = row.take(logits.subarray(b * V, (b + 1) * V), rng);
      fed[b] = BigInt(token);
      for (const e of news) events.push({ row: b, ...e });
    });
    for (const e of events) yield e;
    if (rows.every((r) => r.finish)) break;
    signal?.throwIfAborted();
    mask = mask.map((m) => [...m, 1]);
    const at = BigInt64Array.from(rows, (r) => BigInt(r.position));
    logits = await session.step(kv, fed, at, flat(mask), req.lora);
  }
  return rows.map((r) => r.result());
}

function flat(mask: number[][]): BigInt64Array {
  const width = mask[0]!.length;
  const out = new BigInt64Array(mask.length * width);
  mask.forEach((m, b) => m.forEach((v, t) => (out[b * width + t] = BigInt(v))));
  return out;
}
