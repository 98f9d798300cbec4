import path from 'node:path';
import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { backupDatabase, backupFileName } from './backup';

export function storeApp(ctx: BackendContext): Pick<Handlers, 'store.backup'> {
  return {
    'store.backup': () => {
      const destination = path.join(ctx.dataDir, 'backups', backupFileName(new Date()));
      return ctx.jobs.start({ kind: 'store.backup', title: 'Back up database', unit: 'pages' }, (job) =>
        backupDatabase(ctx.db, destination, {
          signal: job.signal,
          onProgress: (p) => job.progress({ done: p.totalPages - p.remainingPages, total: p.totalPages }),
        }),
      );
    },
  };
}
