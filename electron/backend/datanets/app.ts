import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { startExport } from './export-job';
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
  | 'imports.errors'
  | 'versions.create'
  | 'versions.list'
  | 'versions.diff'
  | 'versions.proof'
  | 'exports.start';

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
    'versions.create': ({ datanet, note }) => {
      const d = s.datanets.get(datanet);
      return ctx.jobs.start({ kind: 'datanet.version', subject: d.id, title: `Version of ${d.name}`, unit: 'records' }, async (job) => {
        const v = await s.versions.create(d.id, note, { signal: job.signal, onProgress: (done, total) => job.progress({ done, total }) });
        return `version ${v.number}: ${v.recordCount} records, root ${v.root}`;
      });
    },
    'versions.list': ({ datanet }) => s.versions.list(s.datanets.get(datanet).id),
    'versions.diff': ({ datanet, from, to, limit }) => s.versions.diff(s.datanets.get(datanet).id, from, to, limit),
    'versions.proof': ({ datanet, version, item }) => s.versions.proof(s.datanets.get(datanet).id, version, item),
    'exports.start': ({ datanet, format, out, testFraction }) => startExport(s, ctx.jobs, s.datanets.get(datanet), format, out, testFraction),
  };
}
