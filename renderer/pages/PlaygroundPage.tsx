import { EmptyState } from '../components/EmptyState';
import { PlaygroundIcon } from '../components/icons';
import { Page } from '../components/Page';

export function PlaygroundPage() {
  return (
    <Page id="playground" title="Playground">
      <EmptyState icon={PlaygroundIcon} heading="The playground is not ready yet">
        <p>Here you will prompt a base model with any of your adapters and see which contributions influenced each answer. The playground arrives with local inference.</p>
      </EmptyState>
    </Page>
  );
}
