import { useCallback, useState } from 'react';

/**
 * State that also lives in localStorage, so a draft survives a closed dialog, a reload or a crash.
 * A stored value that no longer parses is dropped for `initial`.
 */
export function useStoredState<T>(key: string, initial: () => T, isValid: (value: unknown) => value is T): [T, (next: T) => void, () => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
      return isValid(stored) ? stored : initial();
    } catch {
      return initial();
    }
  });
  const set = useCallback(
    (next: T) => {
      setValue(next);
      try {
        localStorage.setItem(key, JSON.stringify(next));
      } catch {
        // Storage full or off: the draft still lives in memory for this window.
      }
    },
    [key],
  );
  const clear = useCallback(() => {
    localStorage.removeItem(key);
    setValue(initial());
  }, [key, initial]);
  return [value, set, clear];
}
