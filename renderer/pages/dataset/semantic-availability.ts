import type { AssistStatus } from '../../../shared/api/schemas/assist';

/**
 * Whether Meaning search can answer for a datanet, and if not, why: the switch says it in words
 * instead of offering a mode that would only fail.
 */
export type SemanticAvailability =
  | { kind: 'checking' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'no_model' }
  /** A model is installed but has embedded none of this datanet's items (yet: `embedding` when its job runs). */
  | { kind: 'no_embeddings'; embedding: boolean }
  /** Searchable; `missing` items are not embedded yet and cannot be found by meaning. */
  | { kind: 'ready'; missing: number; embedding: boolean };

export function semanticAvailability(status: AssistStatus | undefined, error: { message: string } | null): SemanticAvailability {
  if (!status) return error ? { kind: 'unreachable', message: error.message } : { kind: 'checking' };
  if (status.model === null) return { kind: 'no_model' };
  const embedding = status.job?.state === 'running';
  if (status.embeddedCount === 0) return { kind: 'no_embeddings', embedding };
  return { kind: 'ready', missing: Math.max(0, status.itemCount - status.embeddedCount), embedding };
}
