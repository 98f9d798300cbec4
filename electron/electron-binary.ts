import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary =
  | { status: 'ok'; path: string; version: string }
  | { status: 'missing'; path: null; version: string | null; reason: string };

/**
 * Where the electron package put (or will put) its binary. Never require('electron') here: in
 * plain Node that starts a download.
 */
export function locateElectron(): ElectronBinary {
  if (process.versions.electron) return { status: 'ok', path: process.execPath, version: process.versions.electron };
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('electron/package.json');
  } catch {
    return { status: 'missing', path: null, version: null, reason: 'the electron package is not installed (it is a dev dependency)' };
  }
  const dir = path.dirname(pkgJson);
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const pathTxt = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathTxt)) {
    return { status: 'missing', path: null, version, reason: 'its binary is not downloaded yet' };
  }
  const binary = path.join(dir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  if (!fs.existsSync(binary)) return { status: 'missing', path: null, version, reason: `${binary} is missing` };
  return { status: 'ok', path: binary, version };
}
