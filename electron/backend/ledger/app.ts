import { ApiFailure } from '../../../shared/api/errors';
import type { Contribution, LedgerStatus } from '../../../shared/api/schemas/ledger';
import { ledgerName } from '../../../shared/api/schemas/settings';
import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import type { DatanetService } from '../datanets/service';
import { readSettings } from '../settings/settings';
import type { StoredContribution } from './contributions';
import { DEVNET_CHAIN_ID } from './devnet';
import type { LedgerService } from './service';
import { parseBundle } from './verify';

type Names =
  | 'wallet.status'
  | 'wallet.create'
  | 'wallet.confirm'
  | 'wallet.import'
  | 'wallet.unlock'
  | 'wallet.lock'
  | 'wallet.export'
  | 'wallet.balance'
  | 'wallet.fund'
  | 'ledger.status'
  | 'ledger.check'
  | 'ledger.deploy'
  | 'ledger.sync'
  | 'devnet.start'
  | 'devnet.stop'
  | 'contributions.create'
  | 'contributions.list'
  | 'contributions.bundle'
  | 'contributions.verify';

export async function ledgerStatus(ctx: BackendContext, ledger: LedgerService): Promise<LedgerStatus> {
  const network = readSettings(ctx.db, ctx.log).ledger;
  const devnet = await ledger.devnet.info();
  const sync = ledger.syncStatus();
  return {
    network: { kind: network.kind, name: ledgerName(network), chainId: network.kind === 'devnet' ? DEVNET_CHAIN_ID : network.chainId },
    sync: { state: sync.state, message: sync.message, lastSyncAt: sync.lastSyncAt },
    counts: ledger.contributions.counts(),
    devnet: { running: devnet.running, rpcUrl: devnet.rpcUrl, owner: devnet.owner },
    addresses: network.kind === 'devnet' ? devnet.addresses : (network.contracts ?? null),
  };
}

export function ledgerApp(ctx: BackendContext, ledger: LedgerService, datanets: DatanetService): Pick<Handlers, Names> {
  const toContribution = (c: StoredContribution): Contribution => {
    const batch = c.batchRoot ? ledger.contributions.batch(c.batchRoot) : undefined;
    // As of the newest block any sync pass (the loop's too) or check saw on that chain.
    const tip = ledger.headOf(c.chainId);
    return {
      recordId: c.recordId,
      datanetId: c.datanetId,
      versionId: c.versionId,
      contributor: c.contributor,
      chainId: c.chainId,
      registry: c.registry,
      itemCount: c.record.itemCount,
      license: c.record.license,
      state: c.state,
      batchRoot: c.batchRoot,
      txHash: batch?.txHash ?? null,
      blockNumber: batch?.blockNumber ?? null,
      confirmations: batch?.blockNumber != null && tip !== undefined ? Math.max(0, tip - batch.blockNumber + 1) : null,
      error: c.error,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  };
  return {
    'wallet.status': () => ledger.wallet.status(),
    'wallet.create': () => ledger.wallet.beginCreate(),
    'wallet.confirm': ({ draftId, words, password }) => ledger.wallet.confirmCreate(draftId, Object.fromEntries(Object.entries(words).map(([k, v]) => [Number(k), v])), password),
    'wallet.import': ({ source, password, replace }) => ledger.wallet.importWallet({ ...source, password }, replace),
    'wallet.unlock': ({ password }) => ledger.wallet.unlock(password),
    'wallet.lock': () => ledger.wallet.lock(),
    'wallet.export': () => {
      const keystore = ledger.wallet.exportKeystore();
      const address = ledger.wallet.status().address ?? 'wallet';
      return { keystore, fileName: `UTC--${new Date().toISOString().replace(/:/g, '-')}--${address.slice(2).toLowerCase()}.json` };
    },
    'wallet.balance': () => ledger.balance(),
    'wallet.fund': ({ eth }) => ledger.fund(eth),
    'ledger.status': () => ledgerStatus(ctx, ledger),
    'ledger.check': async () => {
      const c = await ledger.connect();
      try {
        const tip = await c.provider.getBlockNumber();
        ledger.noteHead(c.chainId, tip);
        return { chainId: c.chainId, rpcUrl: c.rpcUrl, head: tip, addresses: c.addresses };
      } finally {
        c.provider.destroy();
      }
    },
    'ledger.deploy': () => ledger.deploy(),
    'ledger.sync': async () => {
      const report = await ledger.syncNow();
      ctx.statusChanged();
      return report;
    },
    'devnet.start': async () => {
      await ledger.devnet.ensure();
      const info = await ledger.devnet.info();
      return { running: info.running, rpcUrl: info.rpcUrl, owner: info.owner };
    },
    'devnet.stop': async () => {
      await ledger.devnet.stop();
      const info = await ledger.devnet.info();
      return { running: info.running, rpcUrl: info.rpcUrl, owner: info.owner };
    },
    'contributions.create': async ({ datanet, version, items }) => {
      const d = datanets.datanets.get(datanet);
      const v = datanets.versions.get(d.id, version);
      return toContribution(await ledger.contribute(d, v, items));
    },
    'contributions.list': ({ datanet, state, limit, before }) =>
      ledger.contributions.list({ datanetId: datanet ? datanets.datanets.get(datanet).id : undefined, state, limit, before }).map(toContribution),
    'contributions.bundle': ({ record }) => ledger.bundle(record),
    'contributions.verify': ({ bundle }) => {
      try {
        return ledger.verify(parseBundle(bundle));
      } catch (error) {
        throw new ApiFailure({ code: 'invalid_input', field: 'bundle', message: (error as Error).message });
      }
    },
  };
}
