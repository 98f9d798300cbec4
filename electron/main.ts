// The Electron shell, kept thin: one window, the IPC transport, and the app's lifecycle. Everything
// else is the backend, which runs unchanged under `studio serve` and in the tests.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, net, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PICK_PATHS } from '../shared/ipc';
import { openBackend, type Backend } from './backend';
import { appRoot, defaultDataDir, rendererDir } from './paths';
import { BLOB_PATH, blobFile } from './transport/blob-response';
import { SECURITY_HEADERS } from './transport/csp';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://studio`;
const here = path.dirname(fileURLToPath(import.meta.url));

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

function dataDirFromArgs(argv: readonly string[]): string {
  const i = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (i < 0) return defaultDataDir();
  const arg = argv[i]!;
  return path.resolve(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[i + 1] ?? defaultDataDir()));
}

const dataDir = dataDirFromArgs(process.argv);
app.setPath('userData', dataDir);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let backend: Backend | undefined;
  let window: BrowserWindow | undefined;
  let quitting = false;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // Links to the web open in the OS browser; nothing else leaves the app's own origin.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (new URL(url).origin === ORIGIN) return;
      event.preventDefault();
      if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  // app://studio/… serves the built UI, with the same security headers as server mode.
  const serveRenderer = async (request: Request): Promise<Response> => {
    const root = rendererDir();
    const notFound = () => new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    let file: string;
    try {
      const { pathname } = new URL(request.url);
      const blobCid = BLOB_PATH.exec(pathname)?.[1];
      if (blobCid !== undefined) {
        const blob = backend && blobFile(backend.datanets.blobs, blobCid);
        if (!blob) return notFound();
        return new Response(Readable.toWeb(fs.createReadStream(blob.path)) as ReadableStream<Uint8Array>, { headers: blob.headers });
      }
      file = path.normalize(path.join(root, decodeURIComponent(pathname === '/' ? '/index.html' : pathname)));
    } catch {
      return notFound();
    }
    if (!file.startsWith(root + path.sep)) return notFound();
    try {
      const response = await net.fetch(pathToFileURL(file).href);
      const headers = new Headers(response.headers);
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) headers.set(k, v);
      return new Response(response.body, { status: response.status, headers });
    } catch {
      return notFound();
    }
  };

  const createWindow = () => {
    window = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 900,
      minHeight: 600,
      title: 'Datanet Studio',
      icon: path.join(appRoot(), 'resources', 'icon.png'),
      show: false,
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171c' : '#ffffff',
      webPreferences: {
        preload: path.join(here, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: true,
      },
    });
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => (window = undefined));
    void window.loadURL(`${ORIGIN}/index.html`);
  };

  const menu = (): MenuItemConstructorOptions[] => [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Data Folder', click: () => void shell.openPath(dataDir) },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];

  const shutdown = async () => {
    try {
      await backend?.close();
    } finally {
      backend = undefined;
      app.exit(0);
    }
  };

  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void shutdown();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(() => {
    try {
      backend = openBackend({ dataDir, runtime: 'electron' });
    } catch (error) {
      dialog.showErrorBox('Datanet Studio cannot start', (error as Error).message);
      app.exit(1);
      return;
    }
    const b = backend;
    protocol.handle(SCHEME, serveRenderer);
    ipcMain.handle(IPC_CALL, (event, name: unknown, input: unknown) => {
      // Only the app's own page may call the backend.
      if (!event.senderFrame || new URL(event.senderFrame.url).origin !== ORIGIN) {
        return { ok: false, error: { code: 'unavailable', message: 'Calls are accepted only from the app window.' } };
      }
      return b.router.call(name, input);
    });
    ipcMain.handle(IPC_PICK_PATHS, async (event, kind: unknown) => {
      if (!event.senderFrame || new URL(event.senderFrame.url).origin !== ORIGIN) return [];
      const owner = BrowserWindow.fromWebContents(event.sender);
      const properties: ('openFile' | 'openDirectory' | 'multiSelections')[] =
        kind === 'folder' ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'];
      const picked = owner ? await dialog.showOpenDialog(owner, { properties }) : await dialog.showOpenDialog({ properties });
      return picked.canceled ? [] : picked.filePaths;
    });
    b.events.subscribe((name, payload) => {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send(IPC_EVENT, name, payload);
    });
    // No camera, microphone, geolocation or notifications prompt a page could trigger.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    Menu.setApplicationMenu(Menu.buildFromTemplate(menu()));
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
}
