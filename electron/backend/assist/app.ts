import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { startDownload } from './download-job';
import type { AssistService } from './service';

type Names =
  | 'assist.status'
  | 'assist.embeddings.compute'
  | 'assist.suggest'
  | 'assist.duplicates'
  | 'assist.search'
  | 'assist.models.list'
  | 'assist.models.activate'
  | 'assist.models.import'
  | 'assist.models.remove'
  | 'assist.models.download';

export function assistApp(ctx: BackendContext, assist: AssistService): Pick<Handlers, Names> {
  return {
    'assist.status': ({ datanet }) => assist.status(datanet),
    'assist.embeddings.compute': ({ datanet }) => assist.computeEmbeddings(datanet),
    'assist.suggest': ({ item, field, k }) => assist.suggest(item, field, k),
    'assist.duplicates': ({ item, threshold, limit }) => assist.duplicates(item, threshold, limit),
    'assist.search': ({ datanet, query, limit }) => assist.search(datanet, query, limit),
    'assist.models.list': () => assist.listModels(),
    'assist.models.activate': ({ name }) => assist.activate(name),
    'assist.models.import': ({ path, name }) => assist.importFolder(path, name),
    'assist.models.remove': ({ name }) => assist.removeModel(name),
    'assist.models.download': (input) => startDownload(assist, ctx.jobs, input),
  };
}
