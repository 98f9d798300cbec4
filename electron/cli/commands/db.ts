import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { formatBytes } from '../../../shared/format';
import { backupDatabase } from '../../backend/store/backup';
import { connect } from '../../backend/store/database';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the database file');
  db.command('backup <out>')
    .description('write a consistent copy of studio.db to OUT, even while the app is running')
    .action(async (out: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const source = path.join(globals.dataDir, 'studio.db');
      if (!fs.existsSync(source)) throw new CliError(`No database at ${source}: nothing to back up (is --data-dir right?)`);
      const target = path.resolve(out);
      if (fs.existsSync(target)) throw usageError(`${target} already exists; choose another name`);
      // A read-only connection of its own: no lock on the data folder, so the app may keep running.
      const conn = connect(source, { readonly: true, fileMustExist: true });
      try {
        await backupDatabase(conn, target);
      } catch (error) {
        throw new CliError(`backup failed: ${(error as Error).message}`);
      } finally {
        conn.close();
      }
      const bytes = fs.statSync(target).size;
      if (globals.json) printJson({ path: target, bytes });
      else process.stdout.write(`Backed up ${source} to ${target} (${formatBytes(bytes)}).\n`);
    });
}
