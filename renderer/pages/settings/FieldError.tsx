import type { ApiError } from '../../../shared/api';

interface FieldErrorProps {
  /** The backend's error, or a sentence from the form's own check. */
  error: ApiError | string;
  /** For the input's aria-describedby. */
  id: string;
  testId?: string;
}

/** A field's error (the backend's invalid_input, or the form's own check), placed next to the input it is about. */
export function FieldError({ error, id, testId }: FieldErrorProps) {
  return (
    <p className="field-error" id={id} data-testid={testId} role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}
