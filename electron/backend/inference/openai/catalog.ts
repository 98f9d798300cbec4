/**
 * The models the server offers, as OpenAI model ids: each installed base model by its name, and
 * each installed adapter as `base:adapter` (a base's name has no ':', so the id says which base
 * the adapter runs on). Read from the data folder at each request, so models installed or removed
 * while the server runs are seen at once.
 */
import fs from 'node:fs';
import { readAdapterInfo } from '../../models/adapters';
import type { ModelsService } from '../../models/service';
import { modelNotFound } from './errors';

export interface ServedModel {
  /** `base` or `base:adapter`. */
  id: string;
  base: string;
  adapter: string | null;
  /** The folder's time, in Unix seconds (OpenAI's `created`). */
  created: number;
}

const created = (dir: string) => Math.floor(fs.statSync(dir).mtimeMs / 1000);

export function listServedModels(models: ModelsService): ServedModel[] {
  const bases = models.models.list();
  const names = new Set(bases.map((m) => m.name));
  const out: ServedModel[] = bases.map((m) => ({ id: m.name, base: m.name, adapter: null, created: created(m.dir) }));
  for (const a of models.adapters.list()) {
    const info = readAdapterInfo(a.dir);
    // An adapter whose base is not installed cannot run; it is not offered.
    if (info && names.has(info.base)) out.push({ id: `${info.base}:${a.name}`, base: info.base, adapter: a.name, created: created(a.dir) });
  }
  return out.sort((x, y) => x.id.localeCompare(y.id));
}

/** The base model and adapter an id names; an unknown id is OpenAI's 404 model_not_found. */
export function resolveModel(models: ModelsService, id: string): ServedModel {
  const found = listServedModels(models).find((m) => m.id === id);
  if (!found) throw modelNotFound(id);
  return found;
}
