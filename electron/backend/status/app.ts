import type { Handlers } from '../../api/router';
import type { BackendContext } from '../context';
import { currentStatus } from './status';

export function statusApp(ctx: BackendContext): Pick<Handlers, 'status.get'> {
  return { 'status.get': () => currentStatus(ctx) };
}
