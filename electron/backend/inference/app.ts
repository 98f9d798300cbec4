import type { Handlers } from '../../api/router';
import type { InferenceService } from './service';

export function inferenceApp(inference: InferenceService): Pick<Handlers, 'inference.generate'> {
  return { 'inference.generate': (input) => inference.generate(input) };
}
