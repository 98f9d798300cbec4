// `npm run build:contracts`: compiles contracts/*.sol into resources/contracts/<Name>.json.
// Skips the (slow) compiler when the sources and compiler are those of the artifacts already there.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { compile, EVM_VERSION, readSources } from './compile';

// npm runs scripts from the project root (this file runs bundled from .cache/, so not relative to it).
const root = process.cwd();
const sourceDir = path.join(root, 'contracts');
const outDir = path.join(root, 'resources', 'contracts');
const stampFile = path.join(outDir, '.sources.sha256');

const sources = readSources(sourceDir);
const solcVersion = (createRequire(import.meta.url)('solc/package.json') as { version: string }).version;
const ozVersion = (createRequire(import.meta.url)('@openzeppelin/contracts/package.json') as { version: string }).version;
const stamp = createHash('sha256').update(JSON.stringify({ sources, solcVersion, ozVersion, EVM_VERSION })).digest('hex');

if (!process.argv.includes('--force') && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === stamp) {
  console.log('contracts: up to date');
} else {
  const started = performance.now();
  const { artifacts, warnings } = compile(sources);
  for (const w of warnings) console.warn(w);
  fs.mkdirSync(outDir, { recursive: true });
  for (const old of fs.readdirSync(outDir)) if (old.endsWith('.json')) fs.rmSync(path.join(outDir, old));
  for (const a of artifacts) fs.writeFileSync(path.join(outDir, `${a.contractName}.json`), JSON.stringify(a, null, 2) + '\n');
  fs.writeFileSync(stampFile, stamp + '\n');
  console.log(`contracts: ${artifacts.map((a) => a.contractName).join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
