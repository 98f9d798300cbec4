import type { ApiError } from '../../shared/api';
import { inputMessage } from '../sentence';

/**
 * The backend's message as a sentence under a path field, naming the field by its label, as
 * fieldError (pages/wallet/field-error.tsx) words other inputs' errors: the router says "out must
 * be a full path…" (the input's name), which reads "The file to write must be a full path….";
 * "out /x/f/out.jsonl cannot be made: /x/f is a file, not a folder" reads "/x/f/out.jsonl cannot be
 * made: /x/f is a file, not a folder.". A message that does not start with the input's name (a
 * service's own sentence) is kept, with a full stop.
 */
export function pathErrorText(error: ApiError, label: string): string {
  return error.code === 'invalid_input' ? inputMessage(error.field, error.message, `the ${label.toLowerCase()}`) : error.message;
}
