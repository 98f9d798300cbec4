#!/usr/bin/env node
// The `studio` command. The CLI is bundled into out/node by `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../out/node/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`studio: not built yet: run \`npm run build\` in ${new URL('..', import.meta.url).pathname}\n`);
  process.exit(1);
}
await import(entry.href);
