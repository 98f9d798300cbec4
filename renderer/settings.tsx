import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useCall, useEvent, type CallState } from './api';
import type { Settings } from '../shared/api';
import { applyTheme } from './theme';

/** One copy of the settings for the whole window, so the theme and the Settings page never disagree. */
const SettingsContext = createContext<CallState<Settings> | null>(null);

export function SettingsProvider({ children }: { children: ReactNode }) {
  const settings = useCall('settings.get', {});
  useEvent('settings.changed', settings.setData);
  const theme = settings.data?.theme;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);
  return <SettingsContext value={settings}>{children}</SettingsContext>;
}

export function useSettings(): CallState<Settings> {
  const settings = useContext(SettingsContext);
  if (!settings) throw new Error('useSettings() needs a <SettingsProvider> above it');
  return settings;
}
