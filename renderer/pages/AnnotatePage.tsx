import { EmptyState } from '../components/EmptyState';
import { AnnotateIcon } from '../components/icons';
import { Page } from '../components/Page';

export function AnnotatePage() {
  return (
    <Page id="annotate" title="Annotate">
      <EmptyState icon={AnnotateIcon} heading="Nothing to annotate yet">
        <p>This is where you will label the items of a datanet, with every label kept as history so undo and “who labelled what” come for free. Annotating arrives once datanets can be created.</p>
      </EmptyState>
    </Page>
  );
}
