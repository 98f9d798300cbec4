/** Channel names the Electron preload and main process agree on. */
export const IPC_CALL = 'studio:call';
export const IPC_EVENT = 'studio:event';
export const IPC_PICK_PATHS = 'studio:pick-paths';

/** What the desktop app's open dialog picks: files, or folders (each imported whole). */
export type PickKind = 'files' | 'folder';

/** The one object the preload exposes on `window.studio`. */
export interface StudioBridge {
  call(name: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /**
   * The paths on disk of files (or folders) dropped on the window. Desktop app only: in a browser
   * these are absent, and files are uploaded instead.
   */
  pathsForFiles?: (files: File[]) => string[];
  /** The OS's open dialog; resolves to [] when the user cancels. Desktop app only. */
  pickPaths?: (kind: PickKind) => Promise<string[]>;
}
