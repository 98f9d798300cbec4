import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from '../../../shared/api/schemas/settings';
import type { z } from 'zod';
import type { Db } from '../store/database';
import type { Logger } from '../log';

type Key = keyof Settings;

/** Settings are rows of (key, JSON value); a value that no longer parses falls back to its default, loudly. */
export function readSettings(db: Db, log: Logger): Settings {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const { key, value } of rows) {
    if (!(key in Settings.shape)) continue;
    const field = Settings.shape[key as Key].safeParse(JSON.parse(value));
    if (field.success) settings[key] = field.data;
    else log.warn(`Setting ${key} is unreadable and was reset to its default`, { value });
  }
  return Settings.parse(settings);
}

export function writeSettings(db: Db, patch: z.output<typeof SettingsPatch>, now = Date.now()): void {
  const upsert = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  db.transaction(() => {
    for (const [key, value] of Object.entries(patch) as [string, unknown][]) {
      if (value !== undefined) upsert.run(key, JSON.stringify(value), now);
    }
  })();
}
