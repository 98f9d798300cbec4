import { createClient, type ApiClient } from './client';
import { createIpcTransport } from './ipc-transport';
import { createWsTransport } from './ws-transport';

/** Electron's preload exposes `window.studio`; a browser talks to `studio serve` over a WebSocket. */
export function createDefaultClient(): ApiClient {
  const bridge = window.studio;
  return createClient(bridge ? createIpcTransport(bridge) : createWsTransport());
}

export { createClient, type ApiClient } from './client';
export { ApiProvider, useApi } from './context';
export { toFailure, useAction, useCall, useConnection, useEvent, type ActionState, type CallState } from './hooks';
export type { Connection, ConnectionInfo, ConnectionState, Transport } from './transport';
