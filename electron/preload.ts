// The renderer's only door to the backend: one object with call() and on(), nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, type StudioBridge } from '../shared/ipc';

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
};

contextBridge.exposeInMainWorld('studio', bridge);
