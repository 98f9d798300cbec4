import { ApiFailure } from '../../../shared/api/errors';
import type { Handlers } from '../../api/router';
import { Navigator } from './navigate';
import type { DatanetService } from './service';

/** The annotate view's moves through a datanet: next, previous, next unlabeled, and where it is. */
export function navigateApp(s: DatanetService): Pick<Handlers, 'items.step' | 'items.position'> {
  const nav = new Navigator(s.db);
  return {
    'items.step': ({ datanet, from, direction, unlabeled, exclude, filter, sort }) => {
      const datanetId = s.datanets.get(datanet).id;
      let fromSeq: number | null = null;
      if (from !== undefined) {
        const at = s.items.seqOf(from);
        if (at.datanetId !== datanetId) throw new ApiFailure({ code: 'invalid_input', field: 'from', message: `from: item ${from} is not in this datanet` });
        fromSeq = at.seq;
      }
      // A search also matches label words: the index must have the latest labels first.
      if (filter.query) s.items.flushLabelIndex();
      const id = nav.step(datanetId, { from: fromSeq, direction, unlabeled, exclude, filter, sort });
      return { item: id === null ? null : s.items.get(id) };
    },
    'items.position': ({ item, filter, sort }) => {
      const { seq, datanetId } = s.items.seqOf(item);
      if (filter.query) s.items.flushLabelIndex();
      return nav.position(datanetId, seq, { filter, sort });
    },
  };
}
