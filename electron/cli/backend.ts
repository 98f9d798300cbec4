import type { CallName, CallInput, CallOutput } from '../../shared/api/contract';
import { openBackend, type Backend } from '../backend';
import { DataDirInUseError } from '../backend/store/data-dir';
import { DatabaseError } from '../backend/store/database';
import { CliError, EXIT_USAGE } from './errors';
import type { GlobalOptions } from './globals';
import type { Runtime } from '../../shared/api/schemas/system';

/** Opens the backend for a command; a folder in use or a database that cannot open is a one-line runtime error. */
export function openForCli(globals: GlobalOptions, runtime: Runtime): Backend {
  try {
    // A command does its ledger work itself and exits: no background sync loop (serve keeps it).
    return openBackend({ dataDir: globals.dataDir, runtime, quiet: globals.json, syncIntervalSeconds: runtime === 'cli' ? 0 : undefined });
  } catch (error) {
    if (error instanceof DataDirInUseError || error instanceof DatabaseError) throw new CliError(error.message);
    throw error;
  }
}

/** Opens the backend for one command and always closes it, even when the command fails. */
export async function withBackend<T>(globals: GlobalOptions, run: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = openForCli(globals, 'cli');
  try {
    return await run(backend);
  } finally {
    await backend.close();
  }
}

/**
 * The CLI calls the backend through the same router as the UI, so it gets the same validation
 * and the same typed errors: a bad input is a usage error (exit 2), anything else exit 1.
 */
export async function apiCall<N extends CallName>(backend: Backend, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  const result = await backend.router.call(name, input);
  if (result.ok) return result.value as CallOutput<N>;
  throw new CliError(result.error.message, result.error.code === 'invalid_input' ? EXIT_USAGE : 1);
}
