/** Every shortcut of the annotate view, once: the `?` dialog lists these. */
export const SHORTCUTS: readonly { keys: readonly string[]; what: string }[] = [
  { keys: ['→', 'j'], what: 'Next item' },
  { keys: ['←', 'k'], what: 'Previous item' },
  { keys: ['u'], what: 'Next unlabeled item (skipped ones are passed over)' },
  { keys: ['s'], what: 'Skip: leave this item and go to the next unlabeled one' },
  { keys: ['r'], what: 'Mark reviewed, or unmark' },
  { keys: ['↑', '↓'], what: 'Choose the field the number keys act on' },
  { keys: ['1', '…', '9'], what: 'Pick a label (a choice, a rating, the label for new spans and boxes); again to clear' },
  { keys: ['0'], what: 'Rating 10' },
  { keys: ['Ctrl+Z'], what: 'Undo the last change, on whichever item it was' },
  { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], what: 'Redo' },
  { keys: ['Shift+←', 'Shift+→'], what: 'In the span text: select; Ctrl too: by word; Enter marks, Delete removes' },
  { keys: ['Delete'], what: 'On the image: remove the selected box; arrows nudge it, + and − zoom' },
  { keys: ['Escape'], what: 'Leave a text box, the span text or the image, so the keys above work again' },
  { keys: ['?'], what: 'This list' },
];
