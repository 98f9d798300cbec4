import { rendererDir } from '../../paths';
import { ServeError, startServer } from '../../server';
import { openForCli } from '../backend';
import { CliError, usageError } from '../errors';
import { printJson, type GlobalOptions } from '../globals';

export interface ServeFlags {
  port?: string;
  host?: string;
  allowRemote?: boolean;
}

export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw usageError(`--port ${raw}: must be a whole number from 0 (any free port) to 65535`);
  return port;
}

/** Runs until SIGINT or SIGTERM, then stops jobs, closes the database and exits 0. */
export async function serveCommand(globals: GlobalOptions, flags: ServeFlags): Promise<void> {
  const port = parsePort(flags.port);
  const backend = openForCli(globals, 'server');
  let server;
  try {
    server = await startServer({ backend, rendererDir: rendererDir(), host: flags.host, port, allowRemote: flags.allowRemote ?? false });
  } catch (error) {
    await backend.close();
    if (error instanceof ServeError) throw error.usage ? usageError(error.message) : new CliError(error.message);
    throw error;
  }
  if (flags.allowRemote) {
    process.stderr.write(
      `warning: listening on ${server.host}: anyone who can reach this machine and has the token can use your data and wallet.\n`,
    );
  }
  if (globals.json) {
    printJson({ url: server.url, openUrl: server.openUrl, token: server.token, host: server.host, port: server.port, dataDir: backend.dataDir });
  } else {
    process.stdout.write(`Datanet Studio is running. Open this address in your browser:\n\n  ${server.openUrl}\n\nData folder: ${backend.dataDir}\nPress Ctrl+C to stop.\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (!globals.json) process.stdout.write('Stopping…\n');
  await server.close();
  await backend.close();
}
