/**
 * Playground conversations, kept in this browser's localStorage (on this computer, never sent
 * anywhere): chats as turns, completions as one growing text, with the sampling settings.
 */

export type Mode = 'chat' | 'completion';

export interface GenerationStats {
  tokens: number;
  tokensPerSecond: number;
  finishReason: 'eos' | 'stop' | 'length' | 'cancelled';
  /** Older turns the model's context could not hold. */
  turnsLeftOut?: number;
}

export interface Message {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Who answered: the base model and the adapter in use for that turn (null: the base model alone). */
  model?: string;
  adapter?: string | null;
  stats?: GenerationStats;
  error?: string;
}

export interface Conversation {
  id: string;
  title: string;
  mode: Mode;
  model: string;
  adapter: string | null;
  /** Chat: the system prompt (empty: none). */
  system: string;
  messages: Message[];
  /** Completion: the text so far, prompt and generated alike. */
  text: string;
  /** Completion: the last generation's numbers. */
  stats?: GenerationStats;
  createdAt: number;
  updatedAt: number;
}

export interface Sampling {
  /** 0 is greedy. */
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  maxTokens: number;
  /** Empty: a new random seed each time. */
  seed: string;
  /** One stop string per line. */
  stop: string;
}

export const DEFAULT_SAMPLING: Sampling = { temperature: 0.7, topK: 50, topP: 0.95, repetitionPenalty: 1.1, maxTokens: 256, seed: '', stop: '' };

export interface PlaygroundState {
  conversations: Conversation[];
  activeId: string | null;
  sampling: Sampling;
}

const KEY = 'studio.playground.v1';
const MAX_CONVERSATIONS = 100;

export const newId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export function newConversation(mode: Mode, model: string, adapter: string | null): Conversation {
  const now = Date.now();
  return { id: newId('c'), title: mode === 'chat' ? 'New chat' : 'New completion', mode, model, adapter, system: '', messages: [], text: '', createdAt: now, updatedAt: now };
}

/** A title from the first words the user wrote. */
export function titleFrom(text: string): string {
  const words = text.trim().replace(/\s+/g, ' ');
  return words.length > 48 ? `${words.slice(0, 47)}…` : words || 'Untitled';
}

function isConversation(v: unknown): v is Conversation {
  const c = v as Partial<Conversation> | null;
  return typeof c?.id === 'string' && typeof c.model === 'string' && Array.isArray(c.messages) && typeof c.text === 'string' && (c.mode === 'chat' || c.mode === 'completion');
}

/** Where the state is kept: the window's localStorage (a stand-in in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function loadState(storage: Pick<KeyValueStore, 'getItem'>): PlaygroundState {
  try {
    const parsed = JSON.parse(storage.getItem(KEY) ?? 'null') as { conversations?: unknown; activeId?: unknown; sampling?: Partial<Sampling> } | null;
    if (!parsed || !Array.isArray(parsed.conversations)) return { conversations: [], activeId: null, sampling: DEFAULT_SAMPLING };
    // A generation cut short by a reload or crash is not running any more: say so instead of a spinner forever.
    const conversations = markUnfinished((parsed.conversations as unknown[]).filter(isConversation), 'Interrupted: the window closed while it was being written.');
    return { conversations, activeId: typeof parsed.activeId === 'string' ? parsed.activeId : null, sampling: { ...DEFAULT_SAMPLING, ...parsed.sampling } };
  } catch {
    return { conversations: [], activeId: null, sampling: DEFAULT_SAMPLING };
  }
}

/** Every answer still being written (no numbers, no error) marked with `why`: it will not be finished. */
export function markUnfinished(conversations: Conversation[], why: string): Conversation[] {
  return conversations.map((c) =>
    c.messages.some(unfinished) ? { ...c, messages: c.messages.map((m) => (unfinished(m) ? { ...m, error: why } : m)) } : c,
  );
}

const unfinished = (m: Message) => m.role === 'assistant' && !m.stats && !m.error;

export function saveState(state: PlaygroundState, storage: Pick<KeyValueStore, 'setItem'>): void {
  try {
    storage.setItem(KEY, JSON.stringify({ ...state, conversations: state.conversations.slice(0, MAX_CONVERSATIONS) }));
  } catch {
    // Storage full or off: the conversations live on in this window.
  }
}

/**
 * The turns a chat sends before the new message: finished user and assistant turns (a failed or
 * empty answer is left out, and with it the question it failed to answer).
 */
export function historyOf(messages: readonly Message[]): { role: 'user' | 'assistant'; content: string }[] {
  const out: { role: 'user' | 'assistant'; content: string }[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const next = messages[i + 1];
    if (m.role === 'user') {
      if (next?.role === 'assistant' && !next.error && next.content.trim() !== '') out.push({ role: 'user', content: m.content }, { role: 'assistant', content: next.content });
    }
  }
  return out;
}

/** The sampling settings as inference.generate takes them. */
export function samplingInput(s: Sampling): {
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  maxTokens: number;
  seed?: number;
  stop?: string[];
} {
  const stop = s.stop.split('\n').filter((line) => line !== '');
  const seed = s.seed.trim() === '' ? undefined : Number(s.seed);
  return {
    temperature: s.temperature,
    topK: s.topK,
    topP: s.topP,
    repetitionPenalty: s.repetitionPenalty,
    maxTokens: s.maxTokens,
    ...(seed !== undefined && Number.isInteger(seed) ? { seed } : {}),
    ...(stop.length > 0 ? { stop } : {}),
  };
}
