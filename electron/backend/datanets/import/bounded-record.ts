/**
 * The bytes of one record being gathered, up to a limit. Past the limit the bytes are only
 * counted, never kept: a 5 GB line costs no more memory than a short one. Shared by the line
 * splitter (JSONL, HF, CSV) and the JSON array splitter (Label Studio).
 */
export class BoundedRecord {
  private parts: Buffer[] = [];
  private held = 0;
  private over = false;
  private counted = 0;

  constructor(private readonly limit: number) {}

  append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.over) {
      this.counted += piece.length;
    } else if (this.held + piece.length > this.limit) {
      this.over = true;
      this.counted = this.held + piece.length;
      this.parts = [];
      this.held = 0;
    } else {
      this.parts.push(piece);
      this.held += piece.length;
    }
  }

  /** Nothing gathered or counted since the last take. */
  get empty(): boolean {
    return !this.over && this.held === 0;
  }

  /** The record's bytes, or its length when it went over the limit; then starts the next record. */
  take(): { bytes: Buffer } | { tooLong: number } {
    const out = this.over ? { tooLong: this.counted } : { bytes: this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held) };
    this.parts = [];
    this.held = 0;
    this.over = false;
    this.counted = 0;
    return out;
  }
}
