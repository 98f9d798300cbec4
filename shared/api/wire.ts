import type { ApiResult } from './errors';

/**
 * The WebSocket API's frames (server mode), spoken by electron/transport/ws-api.ts and
 * renderer/api/ws-transport.ts. Electron's IPC carries the same calls without this framing.
 */
export type ClientMessage = { type: 'call'; id: number; name: string; input: unknown };
export type ServerMessage =
  | { type: 'result'; id: number | null; result: ApiResult<unknown> }
  | { type: 'event'; name: string; payload: unknown };
