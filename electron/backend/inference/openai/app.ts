import type { Handlers } from '../../../api/router';
import type { InferenceServerService } from './service';

export function inferenceServerApp(server: InferenceServerService): Pick<Handlers, 'inference.server.start' | 'inference.server.stop' | 'inference.server.status'> {
  return {
    'inference.server.start': (input) => server.start(input),
    'inference.server.stop': () => server.stop(),
    'inference.server.status': () => server.status(),
  };
}
