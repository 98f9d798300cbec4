import type { ReactElement } from 'react';
import { useHashRoute } from '../hooks/useHashRoute';
import { hashQuery } from '../route';
import { AnnotateStart } from './annotate/AnnotateStart';
import { DatanetPicker } from './annotate/DatanetPicker';
import { LIST_PARAM } from './annotate/view-list';
import { Workspace } from './annotate/Workspace';

/** `#/annotate` picks a datanet, `#/annotate/<datanet>` finds where to start, `#/annotate/<datanet>/<item>` labels one item. */
// The return type is written out: routes.ts types its page list from this component, and this reads the route.
export function AnnotatePage(): ReactElement {
  const [datanetId, itemId] = useHashRoute().params;
  // Read with the route: useHashRoute re-renders this page whenever the hash changes.
  const inList = hashQuery(location.hash).get(LIST_PARAM) === 'view';
  if (datanetId === undefined) return <DatanetPicker />;
  if (itemId === undefined) return <AnnotateStart key={datanetId} datanetId={datanetId} />;
  return <Workspace key={datanetId} datanetId={datanetId} itemId={itemId} inList={inList} />;
}
