import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AttributionMethod } from '../../../shared/ledger/attribution-record';
import type { Conversation, Message } from './conversations';
import { liveRate, type Running } from './useGeneration';
import { WhyAnswer } from './WhyAnswer';

interface ChatViewProps {
  conversation: Conversation;
  /** The model has a chat template, so earlier turns are sent too. */
  multiTurn: boolean;
  running: Running | null;
  onSend: (text: string) => void;
  onStop: () => void;
  onSystem: (system: string) => void;
  /** Why sending is not possible now (no model installed…), or null. */
  blocked: string | null;
  /** The adapters registered on the configured network (their answers can be attributed), each with its attribution method; null while asked. */
  registered: ReadonlyMap<string, AttributionMethod> | null;
}

/** The turns so far, the answer being streamed, and the composer: Enter sends, Shift+Enter is a new line, Escape stops. */
export function ChatView({ conversation, multiTurn, running, onSend, onStop, onSystem, blocked, registered }: ChatViewProps) {
  const [draft, setDraft] = useState('');
  const composer = useRef<HTMLTextAreaElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const last = conversation.messages.at(-1);

  // A new or switched conversation: the cursor goes where the next message is written.
  useEffect(() => {
    composer.current?.focus();
  }, [conversation.id]);
  // Follow the answer as it grows.
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [last?.content, conversation.messages.length]);

  function send(): void {
    const text = draft.trim();
    if (!text || running || blocked) return;
    setDraft('');
    onSend(text);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && running) {
      e.preventDefault();
      onStop();
    }
  }

  return (
    <div className="pg-chat">
      <details className="pg-system">
        <summary>System prompt{conversation.system ? ': set' : ''}</summary>
        <label className="visually-hidden" htmlFor="pg-system">
          System prompt
        </label>
        <textarea
          id="pg-system"
          className="input textarea"
          rows={2}
          value={conversation.system}
          placeholder="Optional: how the assistant should behave."
          onChange={(e) => onSystem(e.target.value)}
        />
      </details>
      {!multiTurn && (
        <p className="field-hint" data-testid="pg-single-turn">
          {conversation.model} has no chat template, so each message is sent alone, formatted as training formats an instruction; it does not see the earlier turns.
        </p>
      )}
      {/* Focusable because it scrolls: while the first answer streams it holds no button, and keyboard users must still be able to scroll it (axe: scrollable-region-focusable). */}
      <ol className="pg-messages" data-testid="pg-messages" aria-label="Conversation" tabIndex={0}>
        {conversation.messages.length === 0 && <li className="pg-empty muted">Write a message below to start.</li>}
        {conversation.messages.map((m, i) => (
          <MessageView key={m.id} message={m} prompt={conversation.messages[i - 1]?.role === 'user' ? conversation.messages[i - 1]!.content : null} streaming={running !== null && m === last} running={running} registered={registered} />
        ))}
      </ol>
      <div ref={end} />
      <div className="pg-composer">
        <label className="visually-hidden" htmlFor="pg-composer">
          Message
        </label>
        <textarea
          id="pg-composer"
          ref={composer}
          className="input textarea"
          rows={3}
          value={draft}
          placeholder={blocked ?? 'Message the model…'}
          disabled={blocked !== null}
          data-testid="pg-composer"
          aria-keyshortcuts="Enter Shift+Enter Escape"
          aria-describedby="pg-composer-keys"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="pg-composer-actions">
          <span className="field-hint" id="pg-composer-keys">
            <kbd>Enter</kbd> sends, <kbd>Shift</kbd>+<kbd>Enter</kbd> a new line, <kbd>Esc</kbd> stops.
          </span>
          {running ? (
            <button type="button" className="button" data-testid="pg-stop" disabled={running.stopping} onClick={onStop}>
              {running.stopping ? 'Stopping…' : 'Stop'}
            </button>
          ) : (
            <button type="button" className="button button-primary" data-testid="pg-send" disabled={!draft.trim() || blocked !== null} onClick={send}>
              Send
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

interface MessageViewProps {
  message: Message;
  /** The user's message an answer replied to. */
  prompt: string | null;
  streaming: boolean;
  running: Running | null;
  registered: ReadonlyMap<string, AttributionMethod> | null;
}

function MessageView({ message, prompt, streaming, running, registered }: MessageViewProps) {
  const rate = streaming && running ? liveRate(running) : null;
  // An adapter's finished answer can be attributed to the adapter's training data.
  const attributable = message.role === 'assistant' && message.adapter && message.model && prompt !== null && message.stats && !message.error && !streaming && message.content.trim() !== '';
  return (
    <li className={`pg-message pg-message-${message.role}`} data-testid={`pg-message-${message.role}`} data-streaming={streaming || undefined}>
      <span className="pg-message-who">{message.role === 'user' ? 'You' : `${message.model ?? 'Model'}${message.adapter ? ` + ${message.adapter}` : ''}`}</span>
      <div className="pg-message-text selectable" data-testid="pg-message-text">
        {message.content}
        {streaming && <span className="pg-cursor" aria-hidden="true" />}
      </div>
      {message.role === 'assistant' && (
        <span className="pg-message-stats" data-testid="pg-message-stats">
          {message.error ? (
            <span className="field-error">{message.error}</span>
          ) : message.stats ? (
            <StatsLine stats={message.stats} />
          ) : streaming ? (
            rate !== null ? `about ${rate.toFixed(1)} tokens/s…` : 'Writing…'
          ) : null}
        </span>
      )}
      {attributable && <WhyAnswer model={message.model!} adapter={message.adapter!} prompt={prompt} output={message.content} registered={registered ? registered.has(message.adapter!) : null} defaultMethod={registered?.get(message.adapter!) ?? 'spans'} />}
    </li>
  );
}

export function StatsLine({ stats }: { stats: NonNullable<Message['stats']> }) {
  const reason = { eos: 'finished', stop: 'hit a stop string', length: 'reached the length limit', cancelled: 'stopped' }[stats.finishReason];
  return (
    <>
      {stats.tokens} tokens · {stats.tokensPerSecond.toFixed(1)} tokens/s · {reason}
      {stats.turnsLeftOut ? ` · ${stats.turnsLeftOut} earlier turns left out to fit the context` : ''}
    </>
  );
}
