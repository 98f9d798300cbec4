import { EmptyState } from '../components/EmptyState';
import { TrainIcon } from '../components/icons';
import { Page } from '../components/Page';

export function TrainPage() {
  return (
    <Page id="train" title="Train">
      <EmptyState icon={TrainIcon} heading="No training runs yet">
        <p>Fine-tuning small LoRA adapters on a datanet version, on this computer's GPU or CPU, will be started and followed here. Training arrives with the engine.</p>
      </EmptyState>
    </Page>
  );
}
