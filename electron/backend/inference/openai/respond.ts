/**
 * Sends a running generation back: one JSON response when it ends, or, with `stream`, server-sent
 * events as tokens come (the endpoint's chunk shapes from its Format). A client that disconnects
 * aborts its generation, whose row then leaves the batch at the next step.
 */
import type { FastifyReply } from 'fastify';
import type { Generation } from '../../../../engine/generate/index';
import { asOpenAiError } from './errors';
import { usage, type Running } from './generation';
import { EventStream } from './sse';

export type Usage = ReturnType<typeof usage>;

/** An endpoint's response shapes. */
export interface Format {
  /** The chunk before any text (chat's role), if any. */
  opening?(): object;
  /** A chunk of new text. */
  delta(text: string): object;
  /** The chunk that carries the finish reason. */
  closing(result: Generation): object;
  /** stream_options.include_usage's last chunk. */
  usage(u: Usage): object;
  /** The whole response, without stream. */
  whole(result: Generation, u: Usage): object;
}

export async function respond(reply: FastifyReply, controller: AbortController, running: Running, format: Format, stream: boolean, includeUsage: boolean): Promise<void> {
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) controller.abort(new Error('the client disconnected'));
  };
  res.on('close', onClose);
  try {
    if (!stream) {
      let result: Generation;
      for (;;) {
        const step = await running.events.next();
        if (step.done) {
          result = step.value;
          break;
        }
      }
      await reply.code(200).send(format.whole(result, usage(running.promptTokens, result.tokenIds.length)));
      return;
    }
    reply.hijack();
    const out = new EventStream(res);
    try {
      if (format.opening) out.send(format.opening());
      for (;;) {
        const step = await running.events.next();
        if (step.done) {
          out.send(format.closing(step.value));
          if (includeUsage) out.send(format.usage(usage(running.promptTokens, step.value.tokenIds.length)));
          break;
        }
        if (step.value.text) out.send(format.delta(step.value.text));
      }
      out.done();
    } catch (error) {
      out.fail(asOpenAiError(error).body());
    }
  } finally {
    res.off('close', onClose);
    // A response that ended early (error, disconnect) must not leave its row decoding.
    if (!controller.signal.aborted) controller.abort(new Error('the response ended'));
  }
}
