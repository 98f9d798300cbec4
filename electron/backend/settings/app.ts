import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { readSettings, writeSettings } from './settings';

export function settingsApp(ctx: BackendContext): Pick<Handlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => readSettings(ctx.db, ctx.log),
    'settings.update': (patch) => {
      writeSettings(ctx.db, patch);
      const settings = readSettings(ctx.db, ctx.log);
      ctx.bus.emit('settings.changed', settings);
      if (patch.ledger) ctx.statusChanged();
      return settings;
    },
  };
}
