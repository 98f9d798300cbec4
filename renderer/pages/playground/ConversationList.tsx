import type { Conversation } from './conversations';

interface ConversationListProps {
  conversations: Conversation[];
  activeId: string | null;
  onSelect: (id: string) => void;
  onNew: (mode: 'chat' | 'completion') => void;
  disabled: boolean;
}

/** The saved conversations, newest first, and the buttons that start new ones. */
export function ConversationList({ conversations, activeId, onSelect, onNew, disabled }: ConversationListProps) {
  return (
    <nav className="pg-list" aria-label="Conversations">
      <div className="pg-list-actions">
        <button type="button" className="button button-small button-primary" disabled={disabled} data-testid="pg-new-chat" onClick={() => onNew('chat')}>
          New chat
        </button>
        <button type="button" className="button button-small" disabled={disabled} data-testid="pg-new-completion" onClick={() => onNew('completion')}>
          New completion
        </button>
      </div>
      <ul className="pg-list-items">
        {conversations.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="pg-list-item"
              aria-current={c.id === activeId ? 'true' : undefined}
              disabled={disabled && c.id !== activeId}
              data-testid="pg-conversation"
              onClick={() => onSelect(c.id)}
            >
              <span className="pg-list-title">{c.title}</span>
              <span className="pg-list-meta">
                {c.mode === 'chat' ? 'Chat' : 'Completion'} · {c.model}
                {c.adapter ? ` + ${c.adapter}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <p className="field-hint pg-list-note">Conversations are kept in this app&apos;s local storage on this computer (in a browser: for this address) and sent nowhere.</p>
    </nav>
  );
}
