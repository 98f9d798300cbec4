// The renderer's only door to the backend: call() and on(), plus the paths of files the user
// dropped or picked (the desktop app imports files in place instead of uploading them).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PICK_PATHS, type StudioBridge } from '../shared/ipc';

const bridge: StudioBridge = {
  call: (name, input) => ipcRenderer.invoke(IPC_CALL, name, input),
  on: (event, listener) => {
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
  pathsForFiles: (files) => files.map((f) => webUtils.getPathForFile(f)).filter((p) => p !== ''),
  pickPaths: (kind) => ipcRenderer.invoke(IPC_PICK_PATHS, kind) as Promise<string[]>,
};

contextBridge.exposeInMainWorld('studio', bridge);
