import { useState, type ChangeEvent } from 'react';
import type { ThemePreference } from '../../../shared/api';
import { useAction } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { useSettings } from '../../settings';

const OPTIONS: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function AppearanceSection() {
  const settings = useSettings();
  const update = useAction('settings.update');
  // Shown while the backend saves it, so the select doesn't snap back for a moment.
  const [choice, setChoice] = useState<ThemePreference | null>(null);
  const shown = (update.pending && choice) || settings.data?.theme || 'system';

  async function onChange(e: ChangeEvent<HTMLSelectElement>): Promise<void> {
    const theme = OPTIONS.find((o) => o.value === e.target.value)?.value ?? 'system';
    setChoice(theme);
    const saved = await update.run({ theme });
    if (saved) settings.setData(saved);
  }

  return (
    <Section title="Appearance" description="System follows your operating system's light or dark mode.">
      <div className="field-inline">
        <label className="field-label" htmlFor="theme-select">
          Theme
        </label>
        <select
          id="theme-select"
          className="select"
          data-testid="theme-select"
          value={shown}
          disabled={!settings.data}
          onChange={(e) => void onChange(e)}
        >
          {OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        {update.pending && <Spinner quiet label="Saving" />}
      </div>
      {!settings.data && <CallFallback call={settings} what="the settings" />}
      {update.error && <ErrorMessage error={update.error} context="Could not change the theme." />}
    </Section>
  );
}
