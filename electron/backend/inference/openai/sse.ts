/**
 * Server-sent events as OpenAI streams them: each chunk a `data: {json}` line and a blank line,
 * then `data: [DONE]`. An error after the stream started (the status is already 200) is sent as
 * one more `data:` line holding OpenAI's error body, as OpenAI does, before the stream ends.
 */
import type { ServerResponse } from 'node:http';
import type { OpenAiErrorBody } from './errors';

export class EventStream {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  }

  /** Whether the client is gone (closed the connection). */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  send(chunk: object): void {
    if (!this.closed) this.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  fail(body: OpenAiErrorBody): void {
    this.send(body);
    this.end();
  }

  done(): void {
    if (!this.closed) this.res.write('data: [DONE]\n\n');
    this.end();
  }

  private end(): void {
    if (!this.closed) this.res.end();
  }
}
