import path from 'node:path';
import { defaultDataDir } from '../paths';

export interface GlobalOptions {
  dataDir: string;
  json: boolean;
}

export function globalOptions(raw: { dataDir?: string; json?: boolean }): GlobalOptions {
  return { dataDir: raw.dataDir ? path.resolve(raw.dataDir) : defaultDataDir(), json: raw.json ?? false };
}

/** With --json, stdout carries exactly one JSON document. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
