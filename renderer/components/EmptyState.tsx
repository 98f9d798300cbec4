import type { ReactNode } from 'react';
import type { Icon } from './icons';
import './EmptyState.css';

interface EmptyStateProps {
  icon: Icon;
  heading: string;
  children: ReactNode;
}

/** What a page says while it has nothing to show yet, honestly. */
export function EmptyState({ icon: IconComponent, heading, children }: EmptyStateProps) {
  return (
    <div className="empty-state">
      <div className="empty-state-icon">
        <IconComponent size={28} />
      </div>
      <h2 className="empty-state-heading">{heading}</h2>
      <div className="empty-state-body">{children}</div>
    </div>
  );
}
