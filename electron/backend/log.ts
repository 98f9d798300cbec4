import fs from 'node:fs';
import path from 'node:path';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Stacks go here and only here: they never reach the UI. */
  error(message: string, error: unknown, fields?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

/** JSON lines in <dataDir>/logs/backend.log; warnings and errors also to stderr. */
export function createLogger(dataDir: string, options: { quiet?: boolean } = {}): Logger {
  const dir = path.join(dataDir, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'backend.log');
  const write = (level: Level, message: string, fields: Record<string, unknown> | undefined) => {
    const line = JSON.stringify({ t: new Date().toISOString(), level, message, ...fields });
    fs.appendFileSync(file, line + '\n');
    if (level !== 'info' && !options.quiet) process.stderr.write(`[${level}] ${message}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, error, fields) => {
      const e = error instanceof Error ? error : new Error(String(error));
      write('error', message, { ...fields, error: e.message, stack: e.stack });
    },
  };
}
