import { EmptyState } from '../components/EmptyState';
import { DatanetsIcon } from '../components/icons';
import { Page } from '../components/Page';

export function DatanetsPage() {
  return (
    <Page id="datanets" title="Datanets">
      <EmptyState icon={DatanetsIcon} heading="No datanets yet">
        <p>Your datanets — curated, versioned datasets with a label schema — will be listed here. Creating and importing arrives with the Datanets store.</p>
      </EmptyState>
    </Page>
  );
}
