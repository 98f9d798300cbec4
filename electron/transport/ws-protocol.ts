import type { ClientMessage } from '../../shared/api/wire';

export type { ClientMessage, ServerMessage } from '../../shared/api/wire';

export function parseClientMessage(raw: string): ClientMessage | { error: string; id: number | null } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { error: 'the message is not JSON', id: null };
  }
  const m = value as Partial<ClientMessage> | null;
  const id = typeof m?.id === 'number' && Number.isSafeInteger(m.id) ? m.id : null;
  if (m?.type !== 'call') return { error: 'type must be "call"', id };
  if (id === null) return { error: 'id must be an integer', id };
  if (typeof m.name !== 'string') return { error: 'name must be a string', id };
  return { type: 'call', id, name: m.name, input: m.input };
}
