import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

/** Saves a value; a promise of true means the backend has it (anything else: keep the safety copy). */
export type SaveText = (text: string) => unknown;

const DEBOUNCE_MS = 400;
const storageKey = (key: string) => `annotate-draft:${key}`;

function readDraft(key: string | null): string | null {
  if (key === null) return null;
  try {
    return sessionStorage.getItem(storageKey(key));
  } catch {
    return null;
  }
}

function writeDraft(key: string | null, text: string | null): void {
  if (key === null) return;
  try {
    if (text === null) sessionStorage.removeItem(storageKey(key));
    else sessionStorage.setItem(storageKey(key), text);
  } catch {
    // Storage full or refused: the debounced save still runs; only the crash safety net is lost.
  }
}

/**
 * Text the user types, saved debounced, on blur, when the page is hidden or closed, and when the
 * field goes away. Until the backend confirms a save the text also sits in sessionStorage under
 * `key` (item and field), so a reload or a crashed window brings it back and saves it then.
 */
export function useDraftText(key: string | null, saved: string, save: SaveText) {
  const [text, setText] = useState(() => readDraft(key) ?? saved);
  const dirty = useRef(false);
  const focused = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ text, save, key });
  useLayoutEffect(() => {
    latest.current = { text, save, key };
  });

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (!dirty.current) return;
    dirty.current = false;
    const { text: value, save: saveNow, key: k } = latest.current;
    void Promise.resolve(saveNow(value)).then((ok) => {
      // Drop the safety copy only if nothing newer was typed meanwhile.
      if (ok === true && readDraft(k) === value) writeDraft(k, null);
    });
  }, []);

  // A draft left by a reload or a crash was never confirmed: save it now.
  useEffect(() => {
    if (readDraft(key) !== null && readDraft(key) !== saved) {
      dirty.current = true;
      flush();
    } else writeDraft(key, null);
    // Once per field instance: later changes of `saved` are the backend echoing our own saves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Undo, redo or another window changed the value: show it, unless the user is mid-edit.
  useEffect(() => {
    if (!dirty.current && !focused.current) setText(saved);
  }, [saved]);

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onHide);
      flush();
    };
  }, [flush]);

  const change = useCallback(
    (value: string) => {
      setText(value);
      latest.current.text = value;
      dirty.current = true;
      writeDraft(latest.current.key, value);
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, DEBOUNCE_MS);
    },
    [flush],
  );

  const onFocus = useCallback(() => {
    focused.current = true;
  }, []);
  const onBlur = useCallback(() => {
    focused.current = false;
    flush();
  }, [flush]);

  return { text, change, onFocus, onBlur };
}
