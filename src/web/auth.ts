/** Dashboard access: one random token per server, carried in the first URL and then in an HttpOnly cookie. */
import type { IncomingMessage } from 'node:http';
import { tokensEqual } from '../exec/token.js';

const COOKIE_NAME = 'braid_token';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out[key] = decodeURIComponent(value);
    } catch {
      out[key] = value;
    }
  }
  return out;
}

export function sessionCookie(token: string): string {
  return `${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export type AuthResult =
  /** Authorized by the cookie or a bearer header. */
  | 'ok'
  /** Authorized by `?token=`: the response should set the cookie. */
  | 'via-query'
  | 'denied';

export function authorize(req: IncomingMessage, url: URL, token: string): AuthResult {
  const cookie = parseCookies(req.headers.cookie)[COOKIE_NAME];
  if (cookie !== undefined && tokensEqual(cookie, token)) return 'ok';
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined && tokensEqual(bearer, token)) return 'ok';
  const query = url.searchParams.get('token');
  if (query !== null && tokensEqual(query, token)) return 'via-query';
  return 'denied';
}

/** Guards against DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach us. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? '';
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** State-changing requests from a browser must come from the dashboard's own origin. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // non-browser clients (curl) send none; the token still applies
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
