import { useCallback, useEffect, useState } from 'react';
import { loadState, saveState, type Conversation, type PlaygroundState } from './conversations';

const SAVE_DELAY_MS = 400;

/** The playground's conversations and settings, saved to localStorage a moment after each change (streaming writes many). */
export function usePlaygroundState() {
  const [state, setState] = useState<PlaygroundState>(() => loadState(localStorage));

  useEffect(() => {
    const timer = setTimeout(() => saveState(state, localStorage), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [state]);
  // Whatever the delay had not written yet goes when the window closes.
  useEffect(() => {
    const flush = () => saveState(state, localStorage);
    addEventListener('pagehide', flush);
    return () => removeEventListener('pagehide', flush);
  }, [state]);

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
