import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import { DEFAULT_SERVE_PORT } from '../shared/app';
import type { Backend } from './backend';
import { BLOB_PATH, blobFile } from './transport/blob-response';
import { createGuard, isLoopback, newToken, type Guard } from './transport/guard';
import { SECURITY_HEADERS } from './transport/csp';
import { serveApiSocket } from './transport/ws-api';
import { registerUploads } from './transport/uploads';

export interface ServeOptions {
  backend: Backend;
  rendererDir: string;
  host?: string;
  /** Omitted: the documented default port, or a free one when it is taken. */
  port?: number;
  /** Required to bind a non-loopback address: anyone who can reach it and has the token gets in. */
  allowRemote?: boolean;
  /** Fixed token (tests); normally a new one per launch. */
  token?: string;
  /** The most bytes one browser upload may hold (default: uploads.ts). */
  maxUploadBytes?: number;
}

export interface RunningServer {
  readonly url: string;
  /** `url` with the token, the one to open. */
  readonly openUrl: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export class ServeError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
    this.name = 'ServeError';
  }
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send({ code, message });
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The same backend as the desktop app, headless: the built UI over HTTP and the API over one WebSocket. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote) {
    throw new ServeError(
      `Refusing to listen on ${host}: it is reachable from other machines. Pass --allow-remote to do it anyway.`,
      true,
    );
  }
  if (!fs.existsSync(path.join(options.rendererDir, 'index.html'))) {
    throw new ServeError(`The UI is not built (${options.rendererDir}/index.html is missing): run \`npm run build\`.`);
  }
  const token = options.token ?? newToken();
  // Set once listen() knows the port; the hooks below run only after that.
  // eslint-disable-next-line prefer-const
  let guard: Guard | undefined;
  const app = Fastify({ logger: false });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!guard) return refuse(reply, 503, 'starting', 'The server is starting.');
    if (!guard.hostAllowed(request.headers.host)) {
      return refuse(reply, 403, 'forbidden_host', `Host ${JSON.stringify(request.headers.host ?? '')} is not this server's address.`);
    }
    const url = new URL(request.url, 'http://local');
    const candidate = guard.tokenFrom(request.headers, url.searchParams);
    if (!guard.tokenValid(candidate)) {
      return refuse(reply, 401, 'unauthorized', 'Open the URL that `studio serve` printed: it carries the access token.');
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the address bar for a cookie, so it does not linger in history or referrers.
      url.searchParams.delete('token');
      const clean = url.pathname + (url.search === '?' ? '' : url.search);
      return reply
        .header('set-cookie', `${guard.cookieName}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`)
        .redirect(clean, 302);
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.get('/blobs/:cid', async (request: FastifyRequest<{ Params: { cid: string } }>, reply: FastifyReply) => {
    const match = BLOB_PATH.exec(`/blobs/${request.params.cid}`);
    const blob = match ? blobFile(options.backend.datanets.blobs, request.params.cid) : undefined;
    if (!blob) return refuse(reply, 404, 'not_found', `No blob ${JSON.stringify(request.params.cid)} in this data folder.`);
    return reply.headers(blob.headers).send(fs.createReadStream(blob.path));
  });
  await registerUploads(app, {
    backend: options.backend,
    maxBytes: options.maxUploadBytes,
    originAllowed: (origin, requestHost) => guard?.originAllowed(origin, requestHost) ?? false,
  });
  await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: true });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  sockets.on('connection', (socket) => serveApiSocket(socket, options.backend));
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (!guard || url.pathname !== '/api') return rejectUpgrade(socket, 404, 'Not Found');
    if (!guard.hostAllowed(request.headers.host)) return rejectUpgrade(socket, 403, 'Forbidden Host');
    if (!guard.originAllowed(request.headers.origin, request.headers.host)) return rejectUpgrade(socket, 403, 'Forbidden Origin');
    if (!guard.tokenValid(guard.tokenFrom(request.headers, url.searchParams))) return rejectUpgrade(socket, 401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  const port = await listen(app, host, options.port);
  guard = createGuard({ token, host, port, allowRemote: options.allowRemote ?? false });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${token}`,
    host,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await app.close();
    },
  };
}

async function listen(app: FastifyInstance, host: string, port: number | undefined): Promise<number> {
  try {
    await app.listen({ host, port: port ?? DEFAULT_SERVE_PORT });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE') throw error;
    if (port !== undefined) throw new ServeError(`Port ${port} on ${host} is in use: pick another with --port, or leave it out.`);
    await app.listen({ host, port: 0 });
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The server has no TCP address');
  return address.port;
}
