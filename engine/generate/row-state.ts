/**
 * One generated sequence's own state, shared by the batch loop (decode-loop.ts) and the batch
 * scheduler (batch-scheduler.ts): the tokens so far, its text stream and stop strings, and the
 * rules that end it (an EOS id, a stop string, maxTokens, the model's context).
 */
import type { Tokenizer } from '../tokenize/tokenizer';
import type { Prng } from '../train/prng';
import { chooseToken } from './logits-processors';
import type { ResolvedOptions } from './options';
import { TextStream } from './text-stream';

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

/** A token's news: the token (null for text released when the row ends) and its new text. */
export interface RowEvent {
  tokenId: number | null;
  text: string;
}

/** Checks a prompt against the model: not empty, within the context, every id in the vocabulary. */
export function checkPrompt(prompt: readonly number[], name: string, vocabSize: number, maxPositions: number): void {
  if (prompt.length === 0) throw new Error(`generate: ${name} is empty (at least one token is needed)`);
  if (prompt.length > maxPositions) throw new Error(`generate: ${name} has ${prompt.length} tokens, the model's context is ${maxPositions}`);
  const bad = prompt.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) throw new Error(`generate: ${name} has token id ${bad}, outside the vocabulary [0, ${vocabSize})`);
}

export class RowState {
  readonly out: number[] = [];
  finish: FinishReason | null = null;
  /** The position the row's next token is fed at. */
  next: number;
  private readonly seen: Set<number>;
  private readonly stream: TextStream;

  constructor(
    readonly prompt: readonly number[],
    private readonly options: ResolvedOptions,
    tokenizer: Pick<Tokenizer, 'decode'>,
    private readonly maxPositions: number,
  ) {
    this.seen = new Set(prompt);
    this.stream = new TextStream(tokenizer, options.stop);
    this.next = prompt.length;
  }

  /**
   * Chooses the row's token from its logits [V] (this step's own copy: the processors work on it in
   * place) and returns the token to feed next and the events it makes, the last text included
   * when the row ends.
   */
  take(logits: Float32Array, rng: Prng): { token: number; events: RowEvent[] } {
    const events: RowEvent[] = [];
    const token = chooseToken(logits, this.seen, this.options.choice, rng);
    if (this.options.eosTokenIds.has(token)) {
      this.finish = 'eos';
    } else {
      this.out.push(token);
      this.seen.add(token);
      events.push({ tokenId: token, text: this.stream.push(token) });
      if (this.stream.stopped !== null) this.finish = 'stop';
      // The next token would be fed at position `next`, which the model must have.
      else if (this.out.length >= this.options.maxTokens || this.next >= this.maxPositions) this.finish = 'length';
      this.next++;
    }
    if (this.finish) {
      const rest = this.stream.finish();
      if (rest) events.push({ tokenId: null, text: rest });
    }
    return { token, events };
  }

  /** The position the token `take` returned is fed at. */
  get position(): number {
    return Math.min(this.next - 1, this.maxPositions - 1);
  }

  result(): Generation {
    return {
      tokenIds: this.out,
      text: this.stream.text,
      finishReason: this.finish!,
      ...(this.stream.stopped !== null ? { stop: this.stream.stopped } : {}),
      promptTokens: this.prompt.length,
    };
  }
}
