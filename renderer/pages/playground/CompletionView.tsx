import { useEffect, useRef, type KeyboardEvent } from 'react';
import { isCtrlEnter } from '../../components/ctrl-enter';
import { IS_MAC } from '../../platform';
import { StatsLine } from './ChatView';
import type { Conversation } from './conversations';
import { liveRate, type Running } from './useGeneration';

interface CompletionViewProps {
  conversation: Conversation;
  running: Running | null;
  onText: (text: string) => void;
  onGenerate: () => void;
  onStop: () => void;
  blocked: string | null;
}

/** One text the model continues: raw completion, no template. Ctrl/⌘+Enter continues it, Escape stops. */
export function CompletionView({ conversation, running, onText, onGenerate, onStop, blocked }: CompletionViewProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    area.current?.focus();
  }, [conversation.id]);
  // Keep the newest text in view while it streams in.
  useEffect(() => {
    const el = area.current;
    if (el && running) el.scrollTop = el.scrollHeight;
  }, [conversation.text, running]);

  const canGenerate = !running && blocked === null && conversation.text.trim() !== '';
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): void {
    if (isCtrlEnter(e)) {
      e.preventDefault();
      if (canGenerate) onGenerate();
    } else if (e.key === 'Escape' && running) {
      e.preventDefault();
      onStop();
    }
  }
  const rate = running ? liveRate(running) : null;
  return (
    <div className="pg-completion">
      <label className="field-label" htmlFor="pg-completion">
        Text to continue
      </label>
      <textarea
        id="pg-completion"
        ref={area}
        className="input textarea pg-completion-text"
        rows={14}
        value={conversation.text}
        readOnly={running !== null}
        placeholder={blocked ?? 'Write the beginning of a text; the model continues it.'}
        disabled={blocked !== null}
        data-testid="pg-completion-text"
        aria-keyshortcuts={`${IS_MAC ? 'Meta' : 'Control'}+Enter Escape`}
        aria-describedby="pg-completion-keys"
        onChange={(e) => onText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="pg-composer-actions">
        <span className="field-hint" id="pg-completion-keys">
          <kbd>{IS_MAC ? '⌘' : 'Ctrl'}</kbd>+<kbd>Enter</kbd> continues the text, <kbd>Esc</kbd> stops.
        </span>
        {running ? (
          <button type="button" className="button" data-testid="pg-stop" disabled={running.stopping} onClick={onStop}>
            {running.stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button type="button" className="button button-primary" data-testid="pg-generate" disabled={!canGenerate} onClick={onGenerate}>
            Continue
          </button>
        )}
      </div>
      <p className="field-hint" data-testid="pg-completion-stats">
        {running ? (rate !== null ? `about ${rate.toFixed(1)} tokens/s…` : 'Writing…') : conversation.stats ? <StatsLine stats={conversation.stats} /> : null}
      </p>
    </div>
  );
}
