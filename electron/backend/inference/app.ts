import type { Handlers } from '../../api/router';
import type { InferenceService } from './service';

export function inferenceApp(inference: InferenceService): Pick<Handlers, 'inference.generate' | 'inference.cancel'> {
  return {
    'inference.generate': (input) => inference.generate(input),
    'inference.cancel': ({ request }) => inference.cancel(request),
  };
}
