import { APP_NAME } from '../../../shared/app';
import type { Handlers } from '../../api/router';
import { appVersion } from '../../paths';
import type { BackendContext } from '../context';
import { sqliteVersion } from '../store/database';
import { runDoctor } from './doctor';

export function systemApp(ctx: BackendContext): Pick<Handlers, 'app.info' | 'app.doctor'> {
  return {
    'app.info': () => ({
      name: APP_NAME,
      version: appVersion(),
      runtime: ctx.runtime,
      dataDir: ctx.dataDir,
      platform: process.platform,
      arch: process.arch,
      versions: { node: process.versions.node, electron: (process.versions as Partial<Record<string, string>>).electron ?? null, sqlite: sqliteVersion(ctx.db) },
    }),
    'app.doctor': () => runDoctor(ctx.dataDir),
  };
}
