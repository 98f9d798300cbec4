// The playground's local conversations: what a chat sends as history, the sampling settings as the
// API takes them, and what a reload finds.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLING, historyOf, loadState, newConversation, samplingInput, saveState, titleFrom, type Message } from '../../renderer/pages/playground/conversations';

const memory = () => {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
};

describe('historyOf', () => {
  it('sends answered turns, leaving out a failed or empty answer and the question it did not answer', () => {
    const messages: Message[] = [
      { id: '1', role: 'user', content: 'hi' },
      { id: '2', role: 'assistant', content: 'hello' },
      { id: '3', role: 'user', content: 'and?' },
      { id: '4', role: 'assistant', content: '', error: 'the model failed' },
      { id: '5', role: 'user', content: 'again' },
      { id: '6', role: 'assistant', content: '  ' },
      { id: '7', role: 'user', content: 'last' },
      { id: '8', role: 'assistant', content: 'ok', stats: { tokens: 1, tokensPerSecond: 1, finishReason: 'cancelled' } },
    ];
    expect(historyOf(messages)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'last' },
      { role: 'assistant', content: 'ok' },
    ]);
  });
});

describe('samplingInput', () => {
  it('passes the numbers, a seed only when one is given, and one stop string per line', () => {
    expect(samplingInput(DEFAULT_SAMPLING)).toEqual({ temperature: 0.7, topK: 50, topP: 0.95, repetitionPenalty: 1.1, maxTokens: 256 });
    expect(samplingInput({ ...DEFAULT_SAMPLING, seed: '7', stop: '\n###\n\nEND' })).toMatchObject({ seed: 7, stop: ['###', 'END'] });
  });
});

describe('loadState / saveState', () => {
  it('keeps conversations and settings across a reload; an answer cut off by the reload says so', () => {
    const storage = memory();
    const chat = newConversation('chat', 'tiny', 'ad');
    chat.messages = [
      { id: 'u', role: 'user', content: 'q' },
      { id: 'a', role: 'assistant', content: 'half an ans', model: 'tiny', adapter: 'ad' },
    ];
    saveState({ conversations: [chat], activeId: chat.id, sampling: { ...DEFAULT_SAMPLING, temperature: 0 } }, storage);
    const loaded = loadState(storage);
    expect(loaded.activeId).toBe(chat.id);
    expect(loaded.sampling.temperature).toBe(0);
    expect(loaded.conversations[0]!.messages[1]!.content).toBe('half an ans');
    expect(loaded.conversations[0]!.messages[1]!.error).toMatch(/^Interrupted: the window closed/);
  });

  it('starts empty from nothing, from broken JSON, and without the malformed entries', () => {
    expect(loadState(memory()).conversations).toEqual([]);
    const broken = memory();
    broken.setItem('studio.playground.v1', '{nope');
    expect(loadState(broken)).toEqual({ conversations: [], activeId: null, sampling: DEFAULT_SAMPLING });
    const mixed = memory();
    mixed.setItem('studio.playground.v1', JSON.stringify({ conversations: [{ id: 'x' }, newConversation('completion', 'm', null)] }));
    expect(loadState(mixed).conversations.map((c) => c.mode)).toEqual(['completion']);
  });
});

describe('titleFrom', () => {
  it('is the first words, cut with an ellipsis', () => {
    expect(titleFrom('  What   is 3\nplus one? ')).toBe('What is 3 plus one?');
    expect(titleFrom('x'.repeat(60))).toBe(`${'x'.repeat(47)}…`);
    expect(titleFrom('   ')).toBe('Untitled');
  });
});
