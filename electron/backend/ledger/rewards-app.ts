import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { Rewards } from './rewards';
import type { LedgerService } from './service';

/** rewards.import / list / claim: the contributor's side of Settlement's pull payments. */
export function rewardsApp(ctx: BackendContext, ledger: LedgerService): Pick<Handlers, 'rewards.import' | 'rewards.list' | 'rewards.claim'> {
  const rewards = new Rewards(ctx.db, ledger);
  return {
    'rewards.import': ({ file }) => rewards.import(file),
    'rewards.list': () => rewards.list(),
    'rewards.claim': ({ paymentId, index }) => rewards.claim(paymentId, index),
  };
}
