import type { ApiFailure } from '../../shared/api';
import { ErrorIcon } from './icons';
import './ErrorMessage.css';

interface ErrorMessageProps {
  error: ApiFailure;
  /** What was being attempted, e.g. "Could not load the settings". */
  context?: string;
  onRetry?: () => void;
  /** For a message the user may close once read: a Dismiss button inside the box. */
  onDismiss?: () => void;
  testId?: string;
}

/** A failed call, in words: the backend's message, and for internal errors the ref its log line carries. */
export function ErrorMessage({ error, context, onRetry, onDismiss, testId }: ErrorMessageProps) {
  const ref = error.error.code === 'internal' ? error.error.ref : null;
  return (
    <div className="error-message" role="alert" data-testid={testId}>
      <ErrorIcon size={18} className="error-message-icon" />
      <div className="error-message-text">
        {context && <strong className="error-message-context">{context}</strong>}
        <span>{error.message}</span>
        {ref && (
          <span className="error-message-ref">
            Reference: <code>{ref}</code>
          </span>
        )}
      </div>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      )}
      {onDismiss && (
        <button type="button" className="button button-small" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
