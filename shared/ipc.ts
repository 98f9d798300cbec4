/** Channel names the Electron preload and main process agree on. */
export const IPC_CALL = 'studio:call';
export const IPC_EVENT = 'studio:event';

/** The one object the preload exposes on `window.studio`. */
export interface StudioBridge {
  call(name: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
