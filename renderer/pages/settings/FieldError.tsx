import type { ApiError } from '../../../shared/api';

interface FieldErrorProps {
  error: ApiError;
  /** For the input's aria-describedby. */
  id: string;
  testId?: string;
}

/** The backend's invalid_input error (its field path and message), placed next to the input it is about. */
export function FieldError({ error, id, testId }: FieldErrorProps) {
  return (
    <p className="field-error" id={id} data-testid={testId} role="alert">
      {error.message}
    </p>
  );
}
