import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { Browse } from './browse';
import { startBulkSet } from './bulk-label';
import type { DatanetService } from './service';

/** The dataset view's calls: rows by position, and bulk labeling of position ranges. */
export function browseApp(ctx: BackendContext, s: DatanetService): Pick<Handlers, 'items.window' | 'annotations.bulkSet'> {
  const browse = new Browse(s.db, s.items);
  return {
    'items.window': ({ datanet, filter, sort, offset, limit }) => {
      const d = s.datanets.get(datanet);
      return browse.window(d.id, d.schema, filter, sort, offset, limit);
    },
    'annotations.bulkSet': ({ datanet, value, ...rest }) => startBulkSet(s, ctx.jobs, browse, s.datanets.get(datanet), { ...rest, value: value ?? null }),
  };
}
