import type { Handlers } from '../../api/router';
import type { JobRunner } from '../jobs/runner';
import { startGgufExport } from './gguf-job';
import { startModelDownload } from './model-download';
import type { ModelsService } from './service';

type Names = 'models.list' | 'models.import' | 'models.download' | 'models.remove' | 'models.exportGguf' | 'adapters.list' | 'adapters.import' | 'adapters.export' | 'adapters.merge' | 'adapters.remove' | 'adapters.setAttributionMethod';

export function modelsApp(models: ModelsService, jobs: JobRunner): Pick<Handlers, Names> {
  return {
    'models.list': () => models.listModels(),
    'models.import': ({ path, name }) => models.importModel(path, name),
    'models.download': (input) => startModelDownload(models, jobs, input),
    'models.remove': ({ name }) => models.removeModel(name),
    'models.exportGguf': (input) => startGgufExport(models, jobs, input),
    'adapters.list': () => models.listAdapters(),
    'adapters.import': ({ path, base, name }) => models.importAdapter(path, base, name),
    'adapters.export': ({ name, path }) => models.exportAdapter(name, path),
    'adapters.merge': ({ adapter, name }) => models.mergeAdapter(adapter, name),
    'adapters.remove': ({ name }) => models.removeAdapter(name),
    'adapters.setAttributionMethod': ({ name, method }) => models.setAttributionMethod(name, method),
  };
}
