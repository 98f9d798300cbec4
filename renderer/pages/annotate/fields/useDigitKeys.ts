import { useEffect, useEffectEvent } from 'react';
import { digitOf, shortcutAllowed } from '../keys';

/** While `enabled`, a 0–9 press anywhere outside a text box goes to `onDigit` (the active field's keys). */
export function useDigitKeys(enabled: boolean, onDigit: (digit: number, e: KeyboardEvent) => void): void {
  const handle = useEffectEvent(onDigit);
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const digit = digitOf(e);
      if (digit === null || !shortcutAllowed(e)) return;
      e.preventDefault();
      handle(digit, e);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [enabled]);
}
