import type { ApiFailure } from '../../shared/api';
import { useConnection } from '../api';
import { ErrorMessage } from './ErrorMessage';
import { Spinner } from './Spinner';
import './CallFallback.css';

interface CallFallbackProps {
  call: { error: ApiFailure | null; loading: boolean; reload: () => void };
  /** What is being loaded, e.g. "the settings". */
  what: string;
}

/**
 * What a view shows before its data arrives: a spinner, or why it can't. While the backend is
 * unreachable that is one calm line (the status bar already says it is reconnecting, and the
 * view reloads by itself once it is back), not a red box in every section.
 */
export function CallFallback({ call, what }: CallFallbackProps) {
  const { state } = useConnection();
  if (!call.error || call.loading) return <Spinner label={`Loading ${what}…`} />;
  if (call.error.code === 'unavailable' && state !== 'open') {
    return (
      <p className="call-waiting" data-testid="waiting-for-backend">
        Waiting for the backend: {what} will load when it is reachable again.
      </p>
    );
  }
  return <ErrorMessage error={call.error} context={`Could not load ${what}.`} onRetry={call.reload} />;
}
