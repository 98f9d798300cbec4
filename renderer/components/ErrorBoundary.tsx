import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorIcon } from './icons';
import './ErrorMessage.css';

interface State {
  error: Error | null;
}

/** Keeps one broken page from taking the sidebar and status bar down with it. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The stack goes to the console for developers; the page shows only a sentence.
    console.error(error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="page">
        <div className="error-message" role="alert">
          <ErrorIcon size={18} className="error-message-icon" />
          <div className="error-message-text">
            <strong className="error-message-context">This page ran into a problem and stopped.</strong>
            <span>{error.message}</span>
          </div>
          <button type="button" className="button button-small" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      </div>
    );
  }
}
