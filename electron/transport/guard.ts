import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The three refusals of server mode: no token, a Host that is not ours (DNS rebinding), and a
 * WebSocket opened by a page of another origin.
 */
export interface Guard {
  readonly token: string;
  readonly cookieName: string;
  hostAllowed(host: string | undefined): boolean;
  originAllowed(origin: string | undefined, host: string | undefined): boolean;
  /** The token a request carries in its cookie, `Authorization: Bearer`, or `?token=`. */
  tokenFrom(headers: IncomingHttpHeaders, query: URLSearchParams): string | null;
  tokenValid(candidate: string | null): boolean;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

export interface GuardOptions {
  token: string;
  /** The address the server bound. */
  host: string;
  port: number;
  /** Bound to a non-loopback address on purpose (--allow-remote): any Host name, token still required. */
  allowRemote: boolean;
}

export function createGuard(options: GuardOptions): Guard {
  const bound = options.host.includes(':') ? `[${options.host}]` : options.host;
  // The bound name, and `localhost` beside a loopback address: both resolve only to this machine.
  const names = new Set([bound, ...(isLoopback(options.host) ? ['localhost'] : [])]);
  const allowedHosts = new Set([...names].map((n) => `${n}:${options.port}`));
  const expected = Buffer.from(options.token);
  return {
    token: options.token,
    // Cookies are shared by every port of a host: the port in the name keeps two servers apart.
    cookieName: `studio_token_${options.port}`,
    hostAllowed(host) {
      if (!host) return false;
      if (options.allowRemote) return true;
      return allowedHosts.has(host.toLowerCase());
    },
    originAllowed(origin, host) {
      if (!origin || !host) return false;
      return origin === `http://${host}` && this.hostAllowed(host);
    },
    tokenFrom(headers, query) {
      const auth = headers.authorization;
      if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
      // The address's token first: after a restart the browser still sends the last run's cookie,
      // and the newly printed URL must win over it (the redirect then replaces the cookie).
      return query.get('token') ?? parseCookies(headers.cookie).get(this.cookieName) ?? null;
    },
    tokenValid(candidate) {
      if (!candidate) return false;
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
