import { EmptyState } from '../components/EmptyState';
import { ContributionsIcon } from '../components/icons';
import { Page } from '../components/Page';

export function ContributionsPage() {
  return (
    <Page id="contributions" title="Contributions">
      <EmptyState icon={ContributionsIcon} heading="No contributions yet">
        <p>The contribution records you sign for datanet versions, and whether each is waiting in the outbox, anchored or confirmed on the ledger, will be listed here. Signing and sync arrive with the ledger.</p>
      </EmptyState>
    </Page>
  );
}
