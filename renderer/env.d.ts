import type { StudioBridge } from '../shared/ipc';

declare global {
  interface Window {
    /** Exposed by Electron's preload; absent in a browser talking to `studio serve`. */
    studio?: StudioBridge;
  }
}
