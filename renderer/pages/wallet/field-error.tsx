import type { ApiFailure } from '../../../shared/api';
import { inputMessage } from '../../sentence';

/**
 * Which input an invalid_input error is about, and its message worded for a person. The router's
 * messages start with the field's dotted path ("ledger.rpcUrl must be…") and the services' with a
 * verb ("is not the password of this keystore"); both become "<Label> must be…".
 */
export function fieldError<F extends string>(failure: ApiFailure | null | undefined, labels: Record<F, string>): { field: F | 'form'; text: string } | null {
  const error = failure?.error;
  if (!error || error.code !== 'invalid_input') return null;
  // The deepest segment that names a labelled input: "ledger.rpcUrl" is rpcUrl, "words.2" is words.
  const known = (error.field.split('.').reverse().find((segment) => Object.hasOwn(labels, segment)) as F | undefined) ?? null;
  return { field: known ?? 'form', text: inputMessage(error.field, error.message, known ? labels[known] : error.field) };
}

/** The worded error under its input; `id` is what the input's aria-describedby points at. */
export function FieldMessage({ id, text, testId }: { id: string; text: string; testId?: string }) {
  return (
    <p className="field-error" id={id} data-testid={testId} role="alert">
      {text}
    </p>
  );
}
