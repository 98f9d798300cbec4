import { useCallback, useState } from 'react';

type Where = 'local' | 'session';
const storageOf = (where: Where): Storage => (where === 'local' ? localStorage : sessionStorage);

/** The value kept under `key`, or undefined when there is none, it no longer parses, or storage is off. */
export function readStored<T>(key: string, isValid: (value: unknown) => value is T, where: Where = 'local'): T | undefined {
  try {
    const stored: unknown = JSON.parse(storageOf(where).getItem(key) ?? 'null');
    return isValid(stored) ? stored : undefined;
  } catch {
    return undefined;
  }
}

/**
 * State that also lives in web storage, so a draft survives a closed dialog, a reload or a crash.
 * `local` is shared by every window and kept; `session` belongs to one window (a view's filters:
 * kept across a reload and a trip to another page, not pushed onto a second window).
 * A stored value that no longer parses is dropped for `initial`.
 */
export function useStoredState<T>(
  key: string,
  initial: () => T,
  isValid: (value: unknown) => value is T,
  where: Where = 'local',
): [T, (next: T) => void, () => void] {
  const [value, setValue] = useState<T>(() => readStored(key, isValid, where) ?? initial());
  const set = useCallback(
    (next: T) => {
      setValue(next);
      try {
        storageOf(where).setItem(key, JSON.stringify(next));
      } catch {
        // Storage full or off: the draft still lives in memory for this window.
      }
    },
    [key, where],
  );
  const clear = useCallback(() => {
    try {
      storageOf(where).removeItem(key);
    } catch {
      // Storage off: there is nothing kept to remove.
    }
    setValue(initial());
  }, [key, initial, where]);
  return [value, set, clear];
}
