/**
 * A one-reader queue between the batch scheduler's loop, which pushes a row's events as steps
 * produce them, and the caller's stream, which reads them at its own pace; then the row's result,
 * or its error.
 */
export class Channel<T, R> {
  private items: T[] = [];
  private head = 0;
  private end: { value: R } | { error: unknown } | null = null;
  private wake: (() => void) | null = null;

  get closed(): boolean {
    return this.end !== null;
  }

  push(item: T): void {
    if (this.end) return;
    this.items.push(item);
    this.notify();
  }

  finish(value: R): void {
    if (this.end) return;
    this.end = { value };
    this.notify();
  }

  fail(error: unknown): void {
    if (this.end) return;
    this.end = { error };
    this.notify();
  }

  async *read(): AsyncGenerator<T, R> {
    for (;;) {
      while (this.head < this.items.length) {
        const item = this.items[this.head]!;
        this.items[this.head++] = undefined as T; // let a long stream's early events be collected
        yield item;
      }
      if (this.end) {
        if ('error' in this.end) throw this.end.error;
        return this.end.value;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
