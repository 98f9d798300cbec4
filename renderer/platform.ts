/** Whether shortcuts read ⌘ (macOS) or Ctrl; a label only: both modifiers work everywhere. */
export const IS_MAC = /Mac|iPhone|iPad/.test(navigator.userAgent);

export function shortcutLabel(key: string): string {
  return IS_MAC ? `⌘${key}` : `Ctrl+${key}`;
}

/** For aria-keyshortcuts, which names keys by their KeyboardEvent names. */
export function ariaShortcut(key: string): string {
  return IS_MAC ? `Meta+${key}` : `Control+${key}`;
}
