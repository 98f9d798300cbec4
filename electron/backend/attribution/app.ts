import type { Handlers } from '../../api/router';
import type { AttributionService } from './service';
import type { SpanIndexService } from './span-index';

type Names = 'attribution.spanIndex.build' | 'attribution.spanIndex.info' | 'attribution.attribute' | 'attribution.settle' | 'attribution.list' | 'attribution.get' | 'attribution.export' | 'attribution.earnings';

/** attribution.*: span indexes of datanet versions, attributing an inference of a registered adapter, settling its fee. */
export function attributionApp(spans: SpanIndexService, attribution: AttributionService): Pick<Handlers, Names> {
  return {
    'attribution.spanIndex.build': (target) => spans.startBuild(target),
    'attribution.spanIndex.info': (target) => spans.info(target) as never,
    'attribution.attribute': (input) => attribution.attribute(input),
    'attribution.settle': ({ id, feeWei, out }) => attribution.settle(id, feeWei, out),
    'attribution.list': () => attribution.list(),
    'attribution.get': ({ id }) => attribution.get(id),
    'attribution.export': ({ id }) => attribution.export(id),
    'attribution.earnings': () => attribution.earnings(),
  };
}
