import { wholeNumberIn } from './whole-number';

/**
 * The inference server's port as typed in Settings, checked before it is sent: the backend's
 * answer to "abc" or 1.5 is the validator's wording ("port Invalid input: expected number, received
 * null"), which says nothing a person can act on.
 */

// InferenceServerStartInput's limits (shared/api/schemas/inference-server.ts), written out because
// the renderer does not load zod; test/unit/server-port.test.ts holds them equal.
export const PORT_MIN = 1;
export const PORT_MAX = 65535;

export const PORT_RULE = `Port must be a whole number from ${PORT_MIN} to ${PORT_MAX}.`;

/** Empty: any free port (`port` undefined). Otherwise the number, or the sentence that says what is wrong. */
export function parsePort(text: string): { port: number | undefined } | { error: string } {
  if (text.trim() === '') return { port: undefined };
  const port = wholeNumberIn(text, PORT_MIN, PORT_MAX);
  return port === null ? { error: PORT_RULE } : { port };
}
