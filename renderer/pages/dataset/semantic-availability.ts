import { useState } from 'react';
import type { AssistStatus } from '../../../shared/api/schemas/assist';

/**
 * Whether Meaning search can answer for a datanet, and if not, why: the switch says it in words
 * instead of offering a mode that would only fail.
 */
export type SemanticAvailability =
  | { kind: 'checking' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'no_model' }
  /** `model` is installed but has embedded none of this datanet's items (yet: `embedding` when its job runs). */
  | { kind: 'no_embeddings'; model: string; embedding: boolean }
  /** Searchable with `model`; `missing` items are not embedded yet and cannot be found by meaning. */
  | { kind: 'ready'; model: string; missing: number; embedding: boolean };

export function semanticAvailability(status: AssistStatus | undefined, error: { message: string } | null): SemanticAvailability {
  if (!status) return error ? { kind: 'unreachable', message: error.message } : { kind: 'checking' };
  if (status.model === null) return { kind: 'no_model' };
  const embedding = status.job?.state === 'running';
  if (status.embeddedCount === 0) return { kind: 'no_embeddings', model: status.model, embedding };
  return { kind: 'ready', model: status.model, missing: Math.max(0, status.itemCount - status.embeddedCount), embedding };
}

/**
 * The model this view last saw, when none is installed any more: it was removed (in another
 * window, or by the CLI) while the view was open, so the switch can say so by name rather than
 * only that a model is needed. Null while a model is there, or when none was ever seen here.
 */
export function useRemovedModel(availability: SemanticAvailability): string | null {
  const [lastSeen, setLastSeen] = useState<string | null>(null);
  const current = availability.kind === 'ready' || availability.kind === 'no_embeddings' ? availability.model : null;
  // Kept from an earlier render (React's pattern for state that follows a prop), not in an effect: no render shows a stale name.
  if (current !== null && current !== lastSeen) setLastSeen(current);
  return availability.kind === 'no_model' ? lastSeen : null;
}
