import type { RawData, WebSocket } from 'ws';
import type { Backend } from '../backend';
import { parseClientMessage, type ServerMessage } from './ws-protocol';

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}

/** Serves one WebSocket: calls go to the router, every backend event comes back out. */
export function serveApiSocket(socket: WebSocket, backend: Pick<Backend, 'router' | 'events'>): void {
  const send = (message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const unsubscribe = backend.events.subscribe((name, payload) => send({ type: 'event', name, payload }));
  socket.on('close', unsubscribe);
  socket.on('error', unsubscribe);
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      send({ type: 'result', id: null, result: { ok: false, error: { code: 'invalid_input', message: 'Binary messages are not accepted.', field: '(message)' } } });
      return;
    }
    const message = parseClientMessage(textOf(data));
    if ('error' in message) {
      send({ type: 'result', id: message.id, result: { ok: false, error: { code: 'invalid_input', message: `Bad message: ${message.error}.`, field: '(message)' } } });
      return;
    }
    void backend.router.call(message.name, message.input).then((result) => send({ type: 'result', id: message.id, result }));
  });
}
