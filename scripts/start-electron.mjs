// `npm start`: launch the desktop app from this checkout.
//
// better-sqlite3 is a native module built for Node's ABI (tests and `studio serve` use it). Electron
// has its own ABI, so a second build of it for Electron is kept in .cache/electron-native and passed
// to the backend by path (STUDIO_SQLITE_BINDING); the Node build stays as it is. Both that build and
// Electron's own binary are downloaded once, on first start (Electron's package fetches its binary
// on first launch, not at install). Packaged apps need none of this: electron-builder rebuilds.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const electronVersion = require('electron/package.json').version;
const cacheDir = path.join(root, '.cache', 'electron-native', `${electronVersion}-${process.platform}-${process.arch}`);
const binding = path.join(cacheDir, 'better_sqlite3.node');

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

function buildSqliteForElectron() {
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = path.join(cacheDir, 'better-sqlite3');
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
  const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
  console.log(`Preparing better-sqlite3 for Electron ${electronVersion} (once)…`);
  const target = [`--runtime=electron`, `--target=${electronVersion}`, `--arch=${process.arch}`];
  const ok =
    run(bin('prebuild-install'), [...target, `--platform=${process.platform}`], work) ||
    run(bin('node-gyp'), ['rebuild', '--release', ...target, '--dist-url=https://electronjs.org/headers'], work);
  const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !fs.existsSync(built)) {
    console.error('Could not get better-sqlite3 for Electron: the first `npm start` needs internet access once.');
    process.exit(1);
  }
  fs.copyFileSync(built, binding);
  fs.rmSync(work, { recursive: true, force: true });
}

if (!fs.existsSync(binding)) {
  fs.mkdirSync(cacheDir, { recursive: true });
  buildSqliteForElectron();
}

const child = spawn(process.execPath, [path.join(root, 'node_modules', 'electron', 'cli.js'), root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, STUDIO_SQLITE_BINDING: binding },
});
child.on('close', (code) => process.exit(code ?? 1));
