import { useCallback, useEffect, useRef, useState } from 'react';
import { loadState, markUnfinished, saveState, type Conversation, type PlaygroundState } from './conversations';

const SAVE_EVERY_MS = 400;
const LEFT = 'Stopped: you left the Playground while it was being written.';

/**
 * The playground's conversations and settings, saved to localStorage at most every 400 ms while
 * they change (streaming changes them once a token), and at once when the page goes away.
 */
export function usePlaygroundState() {
  const [state, setState] = useState<PlaygroundState>(() => loadState(localStorage));
  const latest = useRef(state);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    latest.current = state;
    // Not postponed by the next change, as a debounce would be: a streamed answer is saved as it grows.
    timer.current ??= setTimeout(() => {
      timer.current = null;
      saveState(latest.current, localStorage);
    }, SAVE_EVERY_MS);
  }, [state]);

  useEffect(() => {
    const cancelTimer = () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
    // Closing or reloading the window: loadState marks the answer it cut short.
    const flush = () => {
      cancelTimer();
      saveState(latest.current, localStorage);
    };
    addEventListener('pagehide', flush);
    return () => {
      removeEventListener('pagehide', flush);
      // Leaving for another page (no pagehide): useGeneration stops the answer being written, and
      // nothing here would record its end, so it is kept as it stands, marked stopped.
      cancelTimer();
      saveState({ ...latest.current, conversations: markUnfinished(latest.current.conversations, LEFT) }, localStorage);
    };
  }, []);

  const update = useCallback((id: string, change: (c: Conversation) => Conversation) => {
    setState((s) => ({ ...s, conversations: s.conversations.map((c) => (c.id === id ? { ...change(c), updatedAt: Date.now() } : c)) }));
  }, []);

  const add = useCallback((conversation: Conversation) => {
    setState((s) => ({ ...s, conversations: [conversation, ...s.conversations], activeId: conversation.id }));
  }, []);

  const remove = useCallback((id: string) => {
    setState((s) => {
      const conversations = s.conversations.filter((c) => c.id !== id);
      return { ...s, conversations, activeId: s.activeId === id ? (conversations[0]?.id ?? null) : s.activeId };
    });
  }, []);

  return { state, setState, update, add, remove };
}
