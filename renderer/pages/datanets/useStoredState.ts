import { useCallback, useState } from 'react';

const storageOf = (where: 'local' | 'session'): Storage => (where === 'local' ? localStorage : sessionStorage);

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
  where: 'local' | 'session' = 'local',
): [T, (next: T) => void, () => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored: unknown = JSON.parse(storageOf(where).getItem(key) ?? 'null');
      return isValid(stored) ? stored : initial();
    } catch {
      return initial();
    }
  });
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
