import type { ThemePreference } from '../shared/api';

const STORAGE_KEY = 'studio.theme';

/** 'system' leaves the choice to prefers-color-scheme; 'light'/'dark' pin it via <html data-theme>. */
export function applyTheme(pref: ThemePreference): void {
  const root = document.documentElement;
  if (pref === 'system') delete root.dataset.theme;
  else root.dataset.theme = pref;
  try {
    localStorage.setItem(STORAGE_KEY, pref);
  } catch {
    // Storage can be unavailable (custom protocols, privacy modes); the setting still applies.
  }
}

/** Apply the last known choice before the first render, so a pinned theme doesn't flash the OS one. */
export function applyRememberedTheme(): void {
  try {
    const pref = localStorage.getItem(STORAGE_KEY);
    if (pref === 'light' || pref === 'dark' || pref === 'system') applyTheme(pref);
  } catch {
    // As above: the settings call will apply it a moment later.
  }
}
