import { Page } from '../components/Page';
import './settings/settings.css';
import { AppearanceSection } from './settings/AppearanceSection';
import { AssistSection } from './settings/AssistSection';
import { DataSection } from './settings/DataSection';
import { DiagnosticsSection } from './settings/DiagnosticsSection';
import { InferenceServerSection } from './settings/InferenceServerSection';
import { LedgerSection } from './settings/LedgerSection';

export function SettingsPage() {
  return (
    <Page id="settings" title="Settings">
      <AppearanceSection />
      <LedgerSection />
      <DataSection />
      <AssistSection />
      <InferenceServerSection />
      <DiagnosticsSection />
    </Page>
  );
}
