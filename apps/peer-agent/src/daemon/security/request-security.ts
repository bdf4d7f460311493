import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokensEqual } from './token.js';

export interface RequestSecurityOptions {
  token: string;
  allowOrigins: string[];
  /** Extra host names accepted in Host besides the loopback ones (only with --allow-remote-bind). */
  extraHostNames?: string[];
}

const LOOPBACK_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept';

/**
 * The agent's front door, run before routing, so that refusals also cover unknown routes and
 * errors. In order: Host (DNS rebinding: an attacker's name resolving to 127.0.0.1 still sends
 * its own name), Origin (a page of another site), CORS preflight, bearer token (no cookies exist,
 * so a cross-site request cannot ride on ambient credentials).
 */
export function createRequestSecurity(options: RequestSecurityOptions) {
  const allowedOrigins = new Set(options.allowOrigins);
  const hostNames = new Set([...LOOPBACK_HOST_NAMES, ...(options.extraHostNames ?? [])]);

  return function requestSecurity(
    req: IncomingMessage,
    res: ServerResponse,
    next: (err?: unknown) => void,
  ): void {
    if (!hostAllowed(req.headers.host, req.socket.localPort, hostNames)) {
      refuse(
        res,
        403,
        'Forbidden',
        "the Host header must be localhost, 127.0.0.1 or [::1] with the agent's port",
      );
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      refuse(
        res,
        403,
        'Forbidden',
        `origin ${origin} is not allowed; start the agent with --allow-origin ${origin} to allow it`,
      );
      return;
    }
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      // Browsers send preflights without credentials, so they pass without the token, but only
      // for an allowed origin: everyone else gets no CORS headers and the real request never leaves.
      if (origin === undefined) {
        refuse(res, 403, 'Forbidden', 'a preflight request needs an Origin');
        return;
      }
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      if (req.headers['access-control-request-private-network'] === 'true') {
        res.setHeader('Access-Control-Allow-Private-Network', 'true');
      }
      res.statusCode = 204;
      res.end();
      return;
    }
    const presented = bearerToken(req.headers.authorization);
    if (presented === null || !tokensEqual(presented, options.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="swarmhub-agent"');
      refuse(
        res,
        401,
        'Unauthorized',
        presented === null
          ? "missing bearer token: send Authorization: Bearer <token> (the token is in the agent's data directory)"
          : 'wrong bearer token',
      );
      return;
    }
    next();
  };
}

function hostAllowed(
  host: string | undefined,
  localPort: number | undefined,
  hostNames: Set<string>,
): boolean {
  if (host === undefined || localPort === undefined) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (match === null) return false;
  const name = match[1].toLowerCase();
  // A missing port means the scheme's default, which can only match an agent listening on 80.
  const port = match[2] === undefined ? 80 : Number(match[2]);
  return hostNames.has(name) && port === localPort;
}

function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match === null ? null : match[1];
}

function refuse(res: ServerResponse, statusCode: number, error: string, message: string): void {
  res.statusCode = statusCode;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify({ statusCode, error, message }));
}
