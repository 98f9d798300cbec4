import { ApiFailure } from '../../../shared/api/errors';
import { parseManifest } from '../../../shared/ledger/training-manifest';
import type { Handlers } from '../../api/router';
import type { DatanetService } from '../datanets/service';
import type { LedgerService } from '../ledger/service';
import type { LedgerStatus } from '../../../shared/api/schemas/ledger';
import type { Db } from '../store/database';
import { ModelRegistrations } from './registration';
import type { ModelsService } from './service';

type Names = 'models.register' | 'models.manifest' | 'models.verifyManifest' | 'models.registrations';

/**
 * models.register / manifest / verifyManifest / registrations: adapters on the ledger's
 * ModelRegistry with their training manifests. `status` names the configured network and its
 * addresses without connecting to it (ledger.status), so listing never starts the devnet.
 */
export function registrationApp(db: Db, models: ModelsService, datanets: DatanetService, ledger: LedgerService, status: () => Promise<LedgerStatus>): Pick<Handlers, Names> {
  const registrations = new ModelRegistrations({ db, models, datanets, ledger });
  return {
    'models.registrations': async () => {
      const { network, addresses } = await status();
      const on = network.chainId !== null && addresses ? { chainId: network.chainId, modelRegistry: addresses.ModelRegistry } : null;
      return { network: network.name, registrations: on ? await registrations.registrations(on) : [] };
    },
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
