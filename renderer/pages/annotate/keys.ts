/** Keyboard helpers shared by the annotate view's shortcuts. */

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

/** True while the user types into something: then single-key shortcuts must stay out of the way. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}

/** A plain 1–9 (or 0) press with no modifier, as the number it names; null for anything else. */
export function digitOf(e: KeyboardEvent): number | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  // e.code, not e.key: layouts such as AZERTY need Shift for digits.
  const match = /^(?:Digit|Numpad)([0-9])$/.exec(e.code);
  return match ? Number(match[1]) : null;
}

/** Whether a window-level shortcut may act on this event at all. */
export function shortcutAllowed(e: KeyboardEvent): boolean {
  // A region with keys of its own (the span text, the box canvas) already handled it; a modal owns the keyboard.
  return !e.defaultPrevented && !isTyping(e.target) && document.querySelector('dialog[open]') === null;
}
