/**
 * The local OpenAI-compatible inference server: fastify on a loopback address, every request
 * carrying the API key (`Authorization: Bearer KEY`).
 *
 * - GET /v1/models, GET /v1/models/{id}: the installed base models and their adapters (`base:adapter`).
 * - POST /v1/completions: a prompt (text, or token ids) continued.
 * - POST /v1/chat/completions: messages through the model's chat template.
 * Both stream as server-sent events with `stream: true`; errors are OpenAI's bodies and statuses
 * (errors.ts). Requests for one base model, whatever their adapters, are decoded in one batch by
 * its scheduler (engines.ts), so many adapters share one loaded base.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ModelsService } from '../../models/service';
import { isLoopback } from '../../../transport/guard';
import { listServedModels, resolveModel, type ServedModel } from './catalog';
import { chatFormat } from './chat';
import { completionFormat } from './completions';
import { Engines, type EngineSettings } from './engines';
import { asOpenAiError, invalidRequest, missingKey, OpenAiError, routeNotFound, wrongKey } from './errors';
import { startGeneration } from './generation';
import { parseChatRequest, parseCompletionRequest } from './requests';
import { respond } from './respond';

export interface OpenAiServerOptions extends EngineSettings {
  models: ModelsService;
  /** A loopback address (default 127.0.0.1). */
  host?: string;
  /** Default: any free port. */
  port?: number;
  /** Default: a new random key. */
  apiKey?: string;
}

export interface RunningOpenAiServer {
  /** The API's base URL, what OpenAI clients take as base_url: http://127.0.0.1:PORT/v1 */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly apiKey: string;
  readonly engines: Engines;
  /** Requests answered so far (with a 2xx; refused ones are not counted), and completion tokens generated. */
  readonly counters: { requests: number; completionTokens: number };
  close(): Promise<void>;
}

export class OpenAiServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenAiServerError';
  }
}

/** A new API key: `sk-studio-` and 32 random bytes, base64url. */
export function newApiKey(): string {
  return `sk-studio-${randomBytes(32).toString('base64url')}`;
}

export function checkApiKey(key: string): void {
  if (!/^[\x21-\x7e]{8,200}$/.test(key)) throw new OpenAiServerError('The API key must be 8 to 200 printable characters without spaces.');
}

const BODY_LIMIT = 16 * 1024 * 1024;

export async function startOpenAiServer(options: OpenAiServerOptions): Promise<RunningOpenAiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new OpenAiServerError(`The inference server listens on this machine only (127.0.0.1), not on ${host}.`);
  const apiKey = options.apiKey ?? newApiKey();
  checkApiKey(apiKey);
  const expected = Buffer.from(`Bearer ${apiKey}`);
  const engines = new Engines(options.models, options);
  const counters = { requests: 0, completionTokens: 0 };
  // Closing ends open streams too (their generations are aborted when their sockets close).
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, forceCloseConnections: true });

  const fail = (reply: FastifyReply, error: OpenAiError) => reply.code(error.status).header('content-type', 'application/json; charset=utf-8').send(error.body());

  app.addHook('onRequest', async (request, reply) => {
    // Counted when the answer has gone out, and only a 2xx: a refused request (no key, unknown
    // model, bad JSON) was not answered. On the raw response, because a stream hijacks the reply
    // and skips fastify's onResponse; a client that leaves mid-stream never finishes it.
    const res = reply.raw;
    res.once('finish', () => {
      if (res.statusCode >= 200 && res.statusCode < 300) counters.requests++;
    });
    const header = request.headers.authorization;
    if (!header) return fail(reply, missingKey());
    const given = Buffer.from(header);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail(reply, wrongKey());
  });
  app.setNotFoundHandler((request, reply) => fail(reply, routeNotFound(request.method, request.url)));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    // fastify's own refusals of a body: not JSON, too large, or the wrong content type.
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return fail(reply, invalidRequest("We could not parse the JSON body of your request. The API expects a JSON payload (Content-Type: application/json), but what was sent was not valid JSON."));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return fail(reply, new OpenAiError(413, `The request body is larger than ${BODY_LIMIT / 2 ** 20} MiB.`, 'invalid_request_error'));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return fail(reply, invalidRequest(`Unsupported Content-Type ${JSON.stringify(_request.headers['content-type'] ?? '')}: send the body as application/json.`));
    return fail(reply, asOpenAiError(error));
  });

  const modelObject = (m: ServedModel) => ({ id: m.id, object: 'model', created: m.created, owned_by: m.adapter ? `adapter of ${m.base}` : 'datanet-studio' });
  app.get('/v1/models', (_request, reply) => reply.send({ object: 'list', data: listServedModels(options.models).map(modelObject) }));
  app.get('/v1/models/:model', (request: FastifyRequest<{ Params: { model: string } }>, reply) => reply.send(modelObject(resolveModel(options.models, request.params.model))));

  const generate = (kind: 'completion' | 'chat') => async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = kind === 'chat' ? parseChatRequest(request.body) : parseCompletionRequest(request.body);
    const controller = new AbortController();
    const source = 'messages' in parsed ? { kind: 'chat' as const, messages: parsed.messages } : { kind: 'text' as const, prompt: parsed.prompt };
    const running = await startGeneration({ models: options.models, engines }, parsed.model, source, parsed, controller.signal);
    const format = kind === 'chat' ? chatFormat(parsed.model) : completionFormat(parsed.model);
    const counted = { ...running, events: countTokens(running.events, counters) };
    await respond(reply, controller, counted, format, parsed.stream, parsed.includeUsage);
  };
  app.post('/v1/completions', generate('completion'));
  app.post('/v1/chat/completions', generate('chat'));

  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    await engines.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new OpenAiServerError(`Port ${options.port} on ${host} is in use: pick another, or leave the port out for any free one.`);
    throw error;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The inference server has no TCP address');
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}/v1`,
    host,
    port: address.port,
    apiKey,
    engines,
    counters,
    async close() {
      // Open streams end with the server; their generations are aborted by their closed sockets.
      await app.close();
      await engines.close();
    },
  };
}

async function* countTokens<T extends { tokenId: number | null }, R>(events: AsyncGenerator<T, R>, counters: { completionTokens: number }): AsyncGenerator<T, R> {
  for (;;) {
    const step = await events.next();
    if (step.done) return step.value;
    if (step.value.tokenId !== null) counters.completionTokens++;
    yield step.value;
  }
}
