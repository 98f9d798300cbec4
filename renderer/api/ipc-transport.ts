/** The Electron transport: `window.studio`, which the preload exposes over ipcRenderer. */
import { ApiFailure } from '../../shared/api/errors';
import type { StudioBridge } from '../../shared/ipc';
import type { ConnectionInfo, Transport } from './transport';

// IPC to the main process cannot drop while the window lives.
const OPEN: ConnectionInfo = { state: 'open', failures: 0, epoch: 0 };

export function createIpcTransport(bridge: StudioBridge): Transport {
  return {
    async call(name, input) {
      try {
        return await bridge.call(name, input);
      } catch (err) {
        // ipcRenderer.invoke's error text names Electron internals; the user gets a plain sentence.
        console.error(`IPC call ${name} failed`, err);
        throw new ApiFailure({ code: 'unavailable', message: 'The window lost its link to the Datanet Studio backend' });
      }
    },
    on: (event, listener) => bridge.on(event, listener),
    connection: { get: () => OPEN, subscribe: () => () => {}, retryNow: () => {} },
  };
}
