import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_NAME } from '../shared/app';

let root: string | undefined;

/**
 * The folder holding the app's package.json. Found by walking up, so it is the same answer from
 * the TypeScript sources (tests), from the bundles in out/node, and from inside Electron's asar.
 */
export function appRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'datanet-studio') {
      root = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Datanet Studio package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where `vite build` puts the UI. */
export function rendererDir(): string {
  return path.join(appRoot(), 'out', 'renderer');
}

/** The OS's app-data folder for "Datanet Studio": the same folder Electron's userData points at. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.STUDIO_DATA_DIR) return path.resolve(env.STUDIO_DATA_DIR);
  const home = os.homedir();
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
  }
}

/** Files inside Electron's asar cannot be executed; electron-builder unpacks native parts beside it. */
export function unpacked(file: string): string {
  return file.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
}
