// Runs a TypeScript entry file (a benchmark) under plain Node: esbuild bundles our code into
// .cache/run-ts/, packages stay external. Usage: node scripts/run-ts.mjs bench/x.ts [args…]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs FILE.ts [args…]');
  process.exit(2);
}
const outfile = path.join('.cache', 'run-ts', entry.replace(/\.ts$/, '.mjs'));
await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning', sourcemap: 'inline' });
const child = spawn(process.execPath, ['--enable-source-maps', outfile, ...args], { stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 1));
