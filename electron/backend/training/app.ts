import type { Handlers } from '../../api/router';
import type { TrainingService } from './service';

export function trainingApp(training: TrainingService): Pick<Handlers, 'training.start' | 'training.eval' | 'training.runs' | 'training.examples'> {
  return {
    'training.start': (input) => training.start(input),
    'training.eval': (input) => training.evaluate(input),
    'training.runs': () => training.runs(),
    'training.examples': (input) => training.examples(input),
  };
}
