import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVE_PORT } from '../../shared/app';
import { ServeError } from '../../electron/server';
import { serveApp, type ServedApp } from '../fixtures/served-app';
import { openSocket } from '../fixtures/ws-client';

let app: ServedApp;
let base: string;
let host: string;
let origin: string;

beforeAll(async () => {
  app = await serveApp();
  base = app.server.url;
  host = `127.0.0.1:${app.server.port}`;
  origin = `http://${host}`;
});
afterAll(() => app.close());

const wsUrl = () => `ws://${host}/api`;

describe('server mode: HTTP', () => {
  it('refuses a request without the token', async () => {
    const res = await fetch(base);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a wrong token', async () => {
    expect((await fetch(`${base}?token=wrong`)).status).toBe(401);
    expect((await fetch(base, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('trades the token in the URL for a cookie, then serves the UI with the CSP', async () => {
    const first = await fetch(app.server.openUrl, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(base, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toMatch(/<!doctype html>/i);
  });

  it('refuses a Host header that is not its loopback name (DNS rebinding), even with the token', async () => {
    const status = await rawStatus(app.server.port, `GET /?token=${app.server.token} HTTP/1.1\r\nHost: attacker.example:${app.server.port}\r\n\r\n`);
    expect(status).toBe(403);
    const ok = await rawStatus(app.server.port, `GET / HTTP/1.1\r\nHost: localhost:${app.server.port}\r\nAuthorization: Bearer ${app.server.token}\r\n\r\n`);
    expect(ok).toBe(200);
  });
});

describe('server mode: blobs', () => {
  const auth = () => ({ authorization: `Bearer ${app.server.token}` });
  // A 1×1 PNG: the route names its type from the bytes, not from anything the client says.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

  it('serves a stored blob by its CID with its image type, cacheable for good', async () => {
    const cid = await app.backend.datanets.blobs.putBytes(png);
    const res = await fetch(`${base}blobs/${cid}`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('serves opaque bytes as octet-stream, refuses without the token, and 404s what is not a stored CID', async () => {
    const cid = await app.backend.datanets.blobs.putBytes(Buffer.from('<script>alert(1)</script>'));
    const text = await fetch(`${base}blobs/${cid}`, { headers: auth() });
    expect(text.headers.get('content-type')).toBe('application/octet-stream');
    expect((await fetch(`${base}blobs/${cid}`)).status).toBe(401);
    const missing = await fetch(`${base}blobs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`, { headers: auth() });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
    expect((await fetch(`${base}blobs/..%2Fstudio.db`, { headers: auth() })).status).toBe(404);
  });
});

describe('server mode: WebSocket API', () => {
  const auth = () => ({ authorization: `Bearer ${app.server.token}` });

  it('does a round trip with the token and its own origin', async () => {
    const socket = await openSocket(wsUrl(), { ...auth(), origin });
    const result = await socket.call('app.info', {});
    expect(result).toMatchObject({ ok: true, value: { name: 'Datanet Studio', runtime: 'server', dataDir: app.dataDir } });
    socket.close();
  });

  it('refuses a socket whose Origin is not its own', async () => {
    await expect(openSocket(wsUrl(), { ...auth(), origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket(wsUrl(), { ...auth(), origin: `http://127.0.0.1:${app.server.port + 1}` })).rejects.toThrow('HTTP 403');
  });

  it('refuses a socket with no Origin at all', async () => {
    await expect(openSocket(wsUrl(), auth())).rejects.toThrow('HTTP 403');
  });

  it('refuses a socket without the token', async () => {
    await expect(openSocket(wsUrl(), { origin })).rejects.toThrow('HTTP 401');
  });

  it('refuses a socket with a foreign Host', async () => {
    await expect(openSocket(wsUrl(), { ...auth(), origin: 'http://evil.example:1', host: 'evil.example:1' })).rejects.toThrow('HTTP 403');
  });

  it('answers bad input with the typed error and the failing field', async () => {
    const socket = await openSocket(wsUrl(), { ...auth(), origin });
    const result = await socket.call('settings.update', { theme: 'sepia' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'theme' } });
    socket.close();
  });

  it('answers a malformed message without dropping the connection', async () => {
    const socket = await openSocket(wsUrl(), { ...auth(), origin });
    expect(await socket.sendRaw('{not json')).toMatchObject({ ok: false, error: { code: 'invalid_input', field: '(message)' } });
    expect(await socket.sendRaw('{"type":"call","name":"app.info"}')).toMatchObject({ ok: false, error: { message: 'Bad message: id must be an integer.' } });
    const result = await socket.call('app.info', {});
    expect(result.ok).toBe(true);
    expect(await socket.call('no.such.call', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    socket.close();
  });

  it('pushes events to every connected window', async () => {
    const a = await openSocket(wsUrl(), { ...auth(), origin });
    const b = await openSocket(wsUrl(), { ...auth(), origin });
    const heard = b.nextEvent('settings.changed');
    await a.call('settings.update', { theme: 'dark' });
    expect(await heard).toMatchObject({ theme: 'dark' });
    a.close();
    b.close();
  });
});

describe('server mode: binding', () => {
  it('refuses a non-loopback address unless asked explicitly', async () => {
    await expect(serveApp({ host: '0.0.0.0' })).rejects.toThrow(ServeError);
    await expect(serveApp({ host: '0.0.0.0' })).rejects.toThrow(/--allow-remote/);
  });

  it('falls back to a free port when the default is taken, but not when a port was asked for', async () => {
    const blocker = net.createServer();
    const blocked = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(DEFAULT_SERVE_PORT, '127.0.0.1', () => resolve(true));
    });
    try {
      // When something else already holds the default port, that is the case under test anyway.
      const fallback = await serveApp({ port: undefined });
      expect(fallback.server.port).not.toBe(DEFAULT_SERVE_PORT);
      await fallback.close();
      await expect(serveApp({ port: DEFAULT_SERVE_PORT })).rejects.toThrow(/Port 7457 on 127.0.0.1 is in use/);
    } finally {
      if (blocked) blocker.close();
    }
  });
});

/** fetch() will not send a forged Host header; a raw socket will. */
function rawStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (d) => {
      data += d.toString();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m) {
        resolve(Number(m[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}
