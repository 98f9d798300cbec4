import { ApiFailure } from '../../../shared/api/errors';
import type { Handlers } from '../../api/router';
import { Navigator } from './navigate';
import type { DatanetService } from './service';

/** The annotate view's moves through a datanet: next, previous, next unlabeled, and where it is. */
export function navigateApp(s: DatanetService): Pick<Handlers, 'items.step' | 'items.position'> {
  const nav = new Navigator(s.db);
  return {
    'items.step': ({ datanet, from, direction, unlabeled, exclude }) => {
      const datanetId = s.datanets.get(datanet).id;
      let fromSeq: number | null = null;
      if (from !== undefined) {
        const at = s.items.seqOf(from);
        if (at.datanetId !== datanetId) throw new ApiFailure({ code: 'invalid_input', field: 'from', message: `from: item ${from} is not in this datanet` });
        fromSeq = at.seq;
      }
      const id = nav.step(datanetId, { from: fromSeq, direction, unlabeled, exclude });
      return { item: id === null ? null : s.items.get(id) };
    },
    'items.position': ({ item }) => {
      const { seq, datanetId } = s.items.seqOf(item);
      return nav.position(datanetId, seq);
    },
  };
}
