import type { Command } from 'commander';
import { apiCall, openForCli } from '../backend';
import { usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { parsePort } from './serve';

interface ServeModelsFlags {
  port?: string;
  apiKey?: string;
}

/**
 * `studio serve-models`: the local OpenAI-compatible inference server, until Ctrl+C. Prints the
 * base URL and the API key (a new one unless --api-key gives it).
 */
export function registerServeModelsCommand(program: Command): void {
  program
    .command('serve-models')
    .description('serve the installed models and adapters over an OpenAI-compatible API on 127.0.0.1 until Ctrl+C')
    .option('--port <port>', 'port to listen on (default: any free port)')
    .option('--api-key <key>', 'the key clients must send as "Authorization: Bearer KEY" (default: a new random key)')
    .action(async (flags: ServeModelsFlags, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const port = parsePort(flags.port);
      if (port === 0) throw usageError('--port 0: leave --port out for any free port');
      const backend = openForCli(globals, 'cli');
      try {
        const status = await apiCall(backend, 'inference.server.start', { ...(port !== undefined ? { port } : {}), ...(flags.apiKey !== undefined ? { apiKey: flags.apiKey } : {}) });
        if (globals.json) {
          printJson({ url: status.url, apiKey: status.apiKey, port: status.port, dataDir: backend.dataDir });
        } else {
          process.stdout.write(
            `OpenAI-compatible API at ${status.url}\nAPI key: ${status.apiKey}\n\n` +
              `Models are the installed base models, and adapters as base:adapter (GET ${status.url}/models).\n` +
              `Data folder: ${backend.dataDir}\nPress Ctrl+C to stop.\n`,
          );
        }
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        if (!globals.json) process.stdout.write('Stopping…\n');
      } finally {
        await backend.close();
      }
    });
}
