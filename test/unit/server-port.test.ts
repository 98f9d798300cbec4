import { describe, expect, it } from 'vitest';
import { InferenceServerStartInput } from '../../shared/api/schemas/inference-server';
import { parsePort, PORT_MAX, PORT_MIN, PORT_RULE } from '../../renderer/pages/settings/server-port';

describe("Settings' inference server port", () => {
  it('takes empty as any port and a whole number in range as itself', () => {
    expect(parsePort('')).toEqual({ port: undefined });
    expect(parsePort('  ')).toEqual({ port: undefined });
    expect(parsePort('8080')).toEqual({ port: 8080 });
    expect(parsePort(' 65535 ')).toEqual({ port: 65535 });
  });

  it('refuses anything else with one sentence, before the backend sees it', () => {
    for (const text of ['abc', '99999', '1.5', '-1', '0', '1e3', '0x50', '80a']) expect(parsePort(text), text).toEqual({ error: PORT_RULE });
    expect(PORT_RULE).toBe('Port must be a whole number from 1 to 65535.');
  });

  it("has the schema's limits", () => {
    const ok = (port: number) => InferenceServerStartInput.safeParse({ port }).success;
    expect([ok(PORT_MIN), ok(PORT_MIN - 1), ok(PORT_MAX), ok(PORT_MAX + 1)]).toEqual([true, false, true, false]);
  });
});
