import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { resumeImport, startImport } from './import/start-import';
import type { DatanetService } from './service';

type Names =
  | 'datanets.create'
  | 'datanets.list'
  | 'datanets.get'
  | 'items.page'
  | 'items.get'
  | 'annotations.set'
  | 'annotations.undo'
  | 'annotations.redo'
  | 'annotations.history'
  | 'imports.start'
  | 'imports.resume'
  | 'imports.list'
  | 'imports.errors';

export function datanetsApp(ctx: BackendContext, s: DatanetService): Pick<Handlers, Names> {
  const schemaOfItem = (itemId: string) => s.datanets.get(s.items.seqOf(itemId).datanetId).schema;
  return {
    'datanets.create': (input) => s.datanets.create(input),
    'datanets.list': () => s.datanets.list(),
    'datanets.get': ({ datanet }) => s.datanets.summary(datanet),
    'items.page': ({ datanet, filter, after, limit }) => s.items.page(s.datanets.get(datanet).id, filter, after, limit),
    'items.get': ({ item }) => s.items.get(item),
    'annotations.set': ({ item, field, value }) => s.annotations.set(schemaOfItem(item), item, field, value ?? null, s.author),
    'annotations.undo': ({ event }) => s.annotations.undo(event, s.author),
    'annotations.redo': ({ event }) => s.annotations.redo(event, s.author),
    'annotations.history': ({ item }) => s.annotations.history(item),
    'imports.start': ({ datanet, paths, format, map, maxLineBytes }) =>
      startImport(s, ctx.jobs, s.datanets.get(datanet), paths, { format, map, maxLineBytes }),
    'imports.resume': ({ import: id }) => {
      const record = s.imports.get(id);
      return resumeImport(s, ctx.jobs, s.datanets.get(record.datanetId), id);
    },
    'imports.list': ({ datanet }) => s.imports.list(s.datanets.get(datanet).id),
    'imports.errors': ({ import: id, after, limit }) => s.imports.errors(id, after, limit),
  };
}
