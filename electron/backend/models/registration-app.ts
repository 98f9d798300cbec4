import { ApiFailure } from '../../../shared/api/errors';
import { parseManifest } from '../../../shared/ledger/training-manifest';
import type { Handlers } from '../../api/router';
import type { DatanetService } from '../datanets/service';
import type { LedgerService } from '../ledger/service';
import type { Db } from '../store/database';
import { ModelRegistrations } from './registration';
import type { ModelsService } from './service';

/** models.register / manifest / verifyManifest: adapters on the ledger's ModelRegistry with their training manifests. */
export function registrationApp(db: Db, models: ModelsService, datanets: DatanetService, ledger: LedgerService): Pick<Handlers, 'models.register' | 'models.manifest' | 'models.verifyManifest'> {
  const registrations = new ModelRegistrations({ db, models, datanets, ledger });
  return {
    'models.register': ({ adapter, ownerShareBps, uri }) => registrations.register(adapter, ownerShareBps, uri),
    'models.manifest': ({ adapter }) => registrations.manifest(adapter),
    'models.verifyManifest': ({ manifest, adapter }) => {
      let parsed;
      try {
        parsed = parseManifest(manifest, 'file');
      } catch (error) {
        throw new ApiFailure({ code: 'invalid_input', field: 'manifest', message: (error as Error).message });
      }
      return registrations.verify(parsed, adapter);
    },
  };
}
