import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';

export function jobsApp(ctx: BackendContext): Pick<Handlers, 'jobs.list' | 'jobs.cancel'> {
  return {
    'jobs.list': (input) => ctx.jobs.list(input),
    'jobs.cancel': ({ id }) => ctx.jobs.cancel(id),
  };
}
