import type { KeyboardEvent } from 'react';

/** Whether a key press is Ctrl+Enter (⌘+Enter on a Mac): the app's "submit from anywhere in the form". */
export const isCtrlEnter = (e: KeyboardEvent): boolean => e.key === 'Enter' && (e.ctrlKey || e.metaKey);

/**
 * A form's onKeyDown that submits on Ctrl/⌘+Enter from any control in it, textareas, selects and
 * radios included, where plain Enter would add a line or do nothing.
 */
export function submitOnCtrlEnter(submit: () => unknown): (e: KeyboardEvent) => void {
  return (e) => {
    if (!isCtrlEnter(e)) return;
    e.preventDefault();
    void submit();
  };
}
