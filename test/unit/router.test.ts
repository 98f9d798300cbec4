import { describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from '../../electron/api/router';
import { calls } from '../../shared/api/contract';
import { ApiFailure, notFound } from '../../shared/api/errors';
import { DEFAULT_SETTINGS } from '../../shared/api/schemas/settings';
import { memoryLogger } from '../fixtures/logger';

/** Handlers that record what they were given; each test overrides the one it exercises. */
function handlers(overrides: Partial<Handlers> = {}): Handlers & { seen: unknown[] } {
  const seen: unknown[] = [];
  const fail = () => {
    throw new Error('not used in this test');
  };
  const unused = Object.fromEntries(Object.keys(calls).map((name) => [name, fail])) as unknown as Handlers;
  return {
    ...unused,
    seen,
    'settings.get': () => DEFAULT_SETTINGS,
    'settings.update': (patch) => {
      seen.push(patch);
      return { ...DEFAULT_SETTINGS, ...patch };
    },
    'jobs.list': (input) => {
      seen.push(input);
      return [];
    },
    ...overrides,
  };
}

describe('router', () => {
  it('passes parsed input (with defaults) to the handler and returns its value', async () => {
    const h = handlers();
    const router = createRouter(h, memoryLogger());
    const result = await router.call('jobs.list', { state: 'running' });
    expect(result).toEqual({ ok: true, value: [] });
    expect(h.seen).toEqual([{ state: 'running', limit: 50 }]);
  });

  it('refuses bad input with the failing field before any service sees it', async () => {
    const h = handlers();
    const router = createRouter(h, memoryLogger());
    const result = await router.call('settings.update', {
      ledger: { kind: 'rpc', name: 'Test', rpcUrl: 'not a url', chainId: 1 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'invalid_input', field: 'ledger.rpcUrl' });
    expect(result.error.message).toMatch(/^ledger\.rpcUrl /);
    expect(h.seen).toEqual([]);
  });

  it('names an unknown field and a wrong type', async () => {
    const router = createRouter(handlers(), memoryLogger());
    const unknown = await router.call('settings.update', { colour: 'red' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'colour' } });
    const wrongType = await router.call('jobs.list', { limit: 'ten' });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } });
    const notAnObject = await router.call('jobs.list', 42);
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'invalid_input', field: '(input)' } });
  });

  it('refuses a call that the contract does not name', async () => {
    const router = createRouter(handlers(), memoryLogger());
    expect(await router.call('fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await router.call('toString', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await router.call(undefined, {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });

  it('returns an expected failure as it was thrown', async () => {
    const router = createRouter(
      handlers({
        'jobs.cancel': () => {
          throw notFound('No job with id job_0000000000.');
        },
      }),
      memoryLogger(),
    );
    const result = await router.call('jobs.cancel', { id: 'job_0000000000' });
    expect(result).toEqual({ ok: false, error: { code: 'not_found', message: 'No job with id job_0000000000.' } });
  });

  it('turns an unexpected exception into a typed internal error; the stack stays in the log', async () => {
    const log = memoryLogger();
    const router = createRouter(
      handlers({
        'status.get': () => {
          throw new TypeError('secret detail at /home/me/wallet.json');
        },
      }),
      log,
    );
    const result = await router.call('status.get', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('internal');
    const { ref } = result.error as { ref: string };
    expect(ref).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(result)).not.toContain('wallet.json');
    expect(JSON.stringify(result)).not.toMatch(/at .*\.ts:\d+/);
    const logged = log.lines.find((l) => l.level === 'error');
    expect(logged?.message).toContain(ref);
    expect((logged?.error as Error).stack).toContain('secret detail');
  });

  it('treats output that breaks the contract as an internal error', async () => {
    const log = memoryLogger();
    const router = createRouter(handlers({ 'settings.get': () => ({ theme: 'purple' }) as never }), log);
    const result = await router.call('settings.get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('ApiFailure exposes its code', () => {
    expect(new ApiFailure({ code: 'conflict', message: 'busy' }).code).toBe('conflict');
  });
});
