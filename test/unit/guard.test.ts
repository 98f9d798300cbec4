import { describe, expect, it } from 'vitest';
import { createGuard, isLoopback, newToken } from '../../electron/transport/guard';

const token = newToken();
const guard = createGuard({ token, host: '127.0.0.1', port: 7457, allowRemote: false });

describe('server guard', () => {
  it('makes long random tokens', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(token);
  });

  it('accepts only the bound loopback name and localhost, on its port', () => {
    expect(guard.hostAllowed('127.0.0.1:7457')).toBe(true);
    expect(guard.hostAllowed('localhost:7457')).toBe(true);
    expect(guard.hostAllowed('LOCALHOST:7457')).toBe(true);
    expect(guard.hostAllowed('127.0.0.1:80')).toBe(false);
    expect(guard.hostAllowed('attacker.example:7457')).toBe(false);
    expect(guard.hostAllowed('127.0.0.1.nip.io:7457')).toBe(false);
    expect(guard.hostAllowed(undefined)).toBe(false);
  });

  it('accepts only its own origin, over an allowed host', () => {
    expect(guard.originAllowed('http://127.0.0.1:7457', '127.0.0.1:7457')).toBe(true);
    expect(guard.originAllowed('http://localhost:7457', 'localhost:7457')).toBe(true);
    expect(guard.originAllowed('http://evil.example', '127.0.0.1:7457')).toBe(false);
    expect(guard.originAllowed('http://localhost:7457', '127.0.0.1:7457')).toBe(false);
    expect(guard.originAllowed('null', '127.0.0.1:7457')).toBe(false);
    expect(guard.originAllowed(undefined, '127.0.0.1:7457')).toBe(false);
    expect(guard.originAllowed('http://evil.example:7457', 'evil.example:7457')).toBe(false);
  });

  it('finds the token in a bearer header, its cookie or the query, and checks it', () => {
    const q = new URLSearchParams();
    expect(guard.tokenFrom({ authorization: `Bearer ${token}` }, q)).toBe(token);
    expect(guard.tokenFrom({ cookie: `other=1; studio_token_7457=${token}` }, q)).toBe(token);
    expect(guard.tokenFrom({ cookie: `studio_token_9999=${token}` }, q)).toBeNull();
    expect(guard.tokenFrom({}, new URLSearchParams({ token }))).toBe(token);
    // A restarted server's new URL beats the cookie the browser kept from the last run.
    expect(guard.tokenFrom({ cookie: 'studio_token_7457=last-runs-token' }, new URLSearchParams({ token }))).toBe(token);
    expect(guard.tokenValid(token)).toBe(true);
    expect(guard.tokenValid(token.slice(1))).toBe(false);
    expect(guard.tokenValid(`${token.slice(0, -1)}x`)).toBe(token.endsWith('x'));
    expect(guard.tokenValid(null)).toBe(false);
  });

  it('with --allow-remote takes any Host name but still the token', () => {
    const remote = createGuard({ token, host: '0.0.0.0', port: 7457, allowRemote: true });
    expect(remote.hostAllowed('192.0.2.7:7457')).toBe(true);
    expect(remote.tokenValid('guess')).toBe(false);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.org'].some(isLoopback)).toBe(false);
  });
});
