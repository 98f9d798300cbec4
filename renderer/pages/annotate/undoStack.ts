import { useSyncExternalStore } from 'react';

/** A change made in this session: the event that made it and where, so undo can go back there. */
export interface Change {
  /** The annotation event: a set or redo to undo, or an undo to redo. */
  seq: number;
  datanetId: string;
  itemId: string;
  field: string;
}

/**
 * This session's undo and redo stacks over the event log, across items and datanets. Module
 * state on purpose: it outlives the item views, as a session does.
 */
let done: Change[] = [];
let undone: Change[] = [];
let version = 0;
const listeners = new Set<() => void>();
const changed = () => {
  version++;
  for (const l of listeners) l();
};

export const undoStack = {
  /** A new change: what was undone can no longer be redone. */
  record(change: Change): void {
    done = [...done, change];
    undone = [];
    changed();
  },
  takeUndo(): Change | undefined {
    const last = done.at(-1);
    if (last) {
      done = done.slice(0, -1);
      changed();
    }
    return last;
  },
  takeRedo(): Change | undefined {
    const last = undone.at(-1);
    if (last) {
      undone = undone.slice(0, -1);
      changed();
    }
    return last;
  },
  /** A change whose undo or redo did not reach the backend: it stays where it was, to try again. */
  putBack(change: Change, stack: 'undo' | 'redo'): void {
    if (stack === 'undo') done = [...done, change];
    else undone = [...undone, change];
    changed();
  },
  /** An undo event, so redo can re-apply it. */
  pushUndone(change: Change): void {
    undone = [...undone, change];
    changed();
  },
  /** A redo event: it can be undone again without dropping the rest of the redo stack. */
  pushRedone(change: Change): void {
    done = [...done, change];
    changed();
  },
};

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useUndoState(): { canUndo: boolean; canRedo: boolean } {
  useSyncExternalStore(subscribe, () => version);
  return { canUndo: done.length > 0, canRedo: undone.length > 0 };
}
