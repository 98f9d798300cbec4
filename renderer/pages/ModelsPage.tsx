import { EmptyState } from '../components/EmptyState';
import { ModelsIcon } from '../components/icons';
import { Page } from '../components/Page';

export function ModelsPage() {
  return (
    <Page id="models" title="Models">
      <EmptyState icon={ModelsIcon} heading="No models yet">
        <p>The base models on this computer and the adapters trained on them, each with its training manifest, will be listed here. Managing models arrives with the engine.</p>
      </EmptyState>
    </Page>
  );
}
