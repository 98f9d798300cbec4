/**
 * The browser transport: one WebSocket to `/api` on the page's own host (the auth cookie goes
 * with the upgrade request), speaking the frames of shared/api/wire.ts.
 */
import { ApiFailure } from '../../shared/api/errors';
import type { ClientMessage } from '../../shared/api/wire';
import { createConnectionStore } from './connection-store';
import type { Transport } from './transport';

const LOST = 'Lost the connection to the Datanet Studio backend';
const UNREACHABLE = 'Could not reach the Datanet Studio backend';
const OFFLINE = 'Not connected to the Datanet Studio backend; reconnecting…';

/** Backoff before the n-th retry, with jitter so many windows don't reconnect in lockstep. */
function backoffMs(failures: number): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, failures - 1));
  return base * (0.8 + Math.random() * 0.4);
}

export function defaultApiUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api`;
}

interface Pending {
  resolve(result: unknown): void;
  reject(failure: ApiFailure): void;
  /** Written to an open socket (vs. queued for the connection being opened). */
  sent: boolean;
  frame: string;
}

export function createWsTransport(url: string = defaultApiUrl()): Transport & { close(): void } {
  const store = createConnectionStore({ state: 'connecting', failures: 0, epoch: 0 });
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  let stopped = false;

  function connect(): void {
    retryTimer = null;
    const prev = store.get();
    store.set({ ...prev, state: 'connecting' });
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      const { failures, epoch } = store.get();
      store.set({ state: 'open', failures: 0, epoch: failures > 0 ? epoch + 1 : epoch });
      for (const p of pending.values()) {
        if (!p.sent) {
          ws.send(p.frame);
          p.sent = true;
        }
      }
    };
    ws.onmessage = (msg) => receive(msg.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, p] of pending) {
        p.reject(new ApiFailure({ code: 'unavailable', message: p.sent ? LOST : UNREACHABLE }));
        pending.delete(id);
      }
      const failures = store.get().failures + 1;
      store.set({ ...store.get(), state: 'closed', failures });
      if (!stopped) retryTimer = setTimeout(connect, backoffMs(failures));
    };
  }

  function receive(data: unknown): void {
    let msg: { type?: unknown; id?: unknown; result?: unknown; name?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      console.warn('Ignored a frame from the backend that is not JSON');
      return;
    }
    if (msg.type === 'result' && typeof msg.id === 'number') {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      p?.resolve(msg.result);
    } else if (msg.type === 'event' && typeof msg.name === 'string') {
      for (const listener of listeners.get(msg.name) ?? []) {
        // One broken view must not stop the others from hearing the event.
        try {
          listener(msg.payload);
        } catch (err) {
          console.error(`A listener for ${msg.name} failed`, err);
        }
      }
    }
  }

  function retryNow(): void {
    if (stopped || store.get().state !== 'closed') return;
    if (retryTimer) clearTimeout(retryTimer);
    connect();
  }

  // The network coming back is the best moment to try again.
  addEventListener('online', retryNow);
  connect();

  return {
    call(name, input) {
      return new Promise((resolve, reject) => {
        if (store.get().state === 'closed') {
          reject(new ApiFailure({ code: 'unavailable', message: OFFLINE }));
          return;
        }
        const id = nextId++;
        const message: ClientMessage = { type: 'call', id, name, input };
        const frame = JSON.stringify(message);
        const p: Pending = { resolve, reject, sent: false, frame };
        pending.set(id, p);
        if (socket?.readyState === WebSocket.OPEN) {
          socket.send(frame);
          p.sent = true;
        }
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    connection: { get: store.get, subscribe: store.subscribe, retryNow },
    close() {
      stopped = true;
      removeEventListener('online', retryNow);
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
    },
  };
}
