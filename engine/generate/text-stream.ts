/**
 * Generated token ids → text deltas, for streaming.
 *
 * Incremental decoding (as text-generation-inference does it): decode a short window of the
 * latest tokens twice, with and without the new one, and emit the difference. A byte-level BPE
 * token can hold part of a multi-byte UTF-8 character, which decodes to U+FFFD until the rest
 * arrives, so a window whose text ends in U+FFFD is held back; a delta therefore never splits a
 * character. The window restarts after each emitted delta, so decoding stays linear in the
 * output's length (decoding from the start each time would be quadratic).
 *
 * Stop strings: the text is cut before the first occurrence of any stop string, and generation
 * stops. Text that could still be the start of a stop string ("\n" when one of them is "\n\n") is
 * held back until the next token settles it, so nothing past a stop string is ever emitted.
 *
 * The deltas joined are the row's text, always.
 */
import type { Tokenizer } from '../tokenize/tokenizer';

const REPLACEMENT = '\uFFFD';

export class TextStream {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  /** Decoded text so far (before any stop-string cut). */
  private decoded = '';
  /** How much of `decoded` has been emitted. */
  private emitted = 0;
  private readonly longestStop: number;
  /** Set when a stop string was found: the text ends there. */
  stopped: string | null = null;

  constructor(
    private readonly tokenizer: Pick<Tokenizer, 'decode'>,
    private readonly stopStrings: readonly string[],
  ) {
    if (stopStrings.some((s) => s.length === 0)) throw new Error('stop strings must not be empty');
    this.longestStop = Math.max(0, ...stopStrings.map((s) => s.length));
  }

  /** The text emitted so far. */
  get text(): string {
    return this.decoded.slice(0, this.emitted);
  }

  /** Adds a generated token; returns the text that is now safe to emit ('' if none). */
  push(id: number): string {
    if (this.stopped !== null) throw new Error('text stream: a token after a stop string');
    this.ids.push(id);
    const before = this.decode(this.prefixOffset, this.readOffset);
    const after = this.decode(this.prefixOffset, this.ids.length);
    if (after.length > before.length && !after.endsWith(REPLACEMENT) && after.startsWith(before)) {
      this.decoded += after.slice(before.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
    }
    return this.release(false);
  }

  /** The end of generation: whatever was held back (a partial character, a possible stop-string start). */
  finish(): string {
    if (this.stopped === null && this.readOffset < this.ids.length) {
      const before = this.decode(this.prefixOffset, this.readOffset);
      const after = this.decode(this.prefixOffset, this.ids.length);
      // A window that never completed a character still ends the text (with its U+FFFD).
      this.decoded += after.startsWith(before) ? after.slice(before.length) : after;
      this.readOffset = this.ids.length;
    }
    return this.release(true);
  }

  private decode(from: number, to: number): string {
    return from >= to ? '' : this.tokenizer.decode(this.ids.slice(from, to), { skipSpecialTokens: true });
  }

  private release(final: boolean): string {
    if (this.stopped !== null) return '';
    // A stop string can only start where the previous check could not yet see all of it.
    const from = Math.max(0, this.emitted - this.longestStop + 1);
    let cut = -1;
    for (const s of this.stopStrings) {
      const at = this.decoded.indexOf(s, from);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
        this.stopped = s;
      }
    }
    const end = cut >= 0 ? cut : final ? this.decoded.length : this.decoded.length - this.heldForStop();
    if (cut >= 0) this.decoded = this.decoded.slice(0, cut);
    const delta = this.decoded.slice(this.emitted, Math.max(this.emitted, end));
    this.emitted += delta.length;
    return delta;
  }

  /** The length of the longest tail of the text that is a proper prefix of some stop string. */
  private heldForStop(): number {
    const text = this.decoded;
    for (let n = Math.min(this.longestStop - 1, text.length); n > 0; n--) {
      const tail = text.slice(text.length - n);
      if (this.stopStrings.some((s) => s.startsWith(tail))) return n;
    }
    return 0;
  }
}
