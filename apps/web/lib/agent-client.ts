// The one typed client of the user's own peer agent (docs/interfaces.md, "Agent control API").
// It runs in the browser: the agent listens on the user's loopback interface, which the web
// server (maybe on another machine) cannot reach. Every request carries the bearer token and a
// timeout, so an absent or silent agent never leaves the page hanging.

import type {
  CreateTorrentRequest,
  CreateTorrentResponse,
  Health,
  Transfer,
  TransferDetail,
  TransferList,
} from '@swarmhub/api-types';
import { SseParser } from './sse-parser';

/** An event of the agent's stream as handed to the page (the wire form is api-types' `AgentEvent`). */
export type AgentEvent =
  { type: 'transfer'; transfer: Transfer } | { type: 'removed'; infoHash: string };

export interface AgentPairing {
  /** Origin of the agent's API, e.g. http://127.0.0.1:6880 */
  agentUrl: string;
  token: string;
}

export type AgentErrorCode =
  | 'NOT_PAIRED' // no token stored in this browser
  | 'UNREACHABLE' // not running, or the browser refused to reach it (Local Network Access, CORS)
  | 'TIMEOUT'
  | 'UNAUTHORIZED' // wrong or old token: pair again
  | 'FORBIDDEN' // this site's origin is not on the agent's allow-list
  | 'REJECTED' // the agent understood and said no (bad input, unknown torrent)
  | 'BAD_RESPONSE';

export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

export const PAIRING_STORAGE_KEY = 'swarmhub.agent';
export const DEFAULT_AGENT_URL = 'http://127.0.0.1:6880';
const REQUEST_TIMEOUT_MS = 8_000;
const CREATE_TIMEOUT_MS = 10 * 60_000; // hashing a large folder takes a while

/**
 * Reads `#agent=<url>&token=<token>` (the agent's pairing link). The fragment is never sent to
 * any server, so the token stays between the agent and this browser.
 */
export function pairingFromFragment(fragment: string): AgentPairing | null {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return null;
  const agentUrl = normaliseAgentUrl(params.get('agent') || DEFAULT_AGENT_URL);
  if (!agentUrl) return null;
  return { agentUrl, token };
}

/** Only an http(s) origin is accepted: the link came from outside and must not smuggle a path. */
export function normaliseAgentUrl(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function loadPairing(): AgentPairing | null {
  try {
    const raw = localStorage.getItem(PAIRING_STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<AgentPairing>;
    if (typeof value.token !== 'string' || typeof value.agentUrl !== 'string') return null;
    const agentUrl = normaliseAgentUrl(value.agentUrl);
    return agentUrl ? { agentUrl, token: value.token } : null;
  } catch {
    return null;
  }
}

export function savePairing(pairing: AgentPairing): void {
  localStorage.setItem(PAIRING_STORAGE_KEY, JSON.stringify(pairing));
}

export function forgetPairing(): void {
  localStorage.removeItem(PAIRING_STORAGE_KEY);
}

export interface AgentClientOptions {
  /** Per request; the event stream uses it for connecting only. */
  timeoutMs?: number;
}

export class AgentClient {
  private readonly timeoutMs: number;

  constructor(
    readonly pairing: AgentPairing,
    options: AgentClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  health(): Promise<Health> {
    return this.json<Health>('GET', '/api/v1/health');
  }

  async listTransfers(): Promise<Transfer[]> {
    const body = await this.json<TransferList>('GET', '/api/v1/torrents');
    return Array.isArray(body.torrents) ? body.torrents : [];
  }

  getTransfer(infoHash: string): Promise<TransferDetail> {
    return this.json<TransferDetail>('GET', `/api/v1/torrents/${encodeURIComponent(infoHash)}`);
  }

  /** Adds by the catalog's .torrent address (the agent fetches it) or by magnet link. */
  addTransfer(
    input: { url: string } | { magnet: string },
    options: { saveDir?: string; paused?: boolean } = {},
  ): Promise<Transfer> {
    return this.json<Transfer>('POST', '/api/v1/torrents', { ...input, ...options });
  }

  pause(infoHash: string): Promise<Transfer> {
    return this.json<Transfer>('POST', `/api/v1/torrents/${encodeURIComponent(infoHash)}/pause`);
  }

  resume(infoHash: string): Promise<Transfer> {
    return this.json<Transfer>('POST', `/api/v1/torrents/${encodeURIComponent(infoHash)}/resume`);
  }

  async remove(infoHash: string, deleteData: boolean): Promise<void> {
    await this.request(
      'DELETE',
      `/api/v1/torrents/${encodeURIComponent(infoHash)}?deleteData=${deleteData}`,
    );
  }

  create(request: CreateTorrentRequest): Promise<CreateTorrentResponse> {
    return this.json<CreateTorrentResponse>('POST', '/api/v1/create', request, CREATE_TIMEOUT_MS);
  }

  /**
   * Reads the agent's event stream until `signal` aborts or the stream ends; resolves when it
   * ends, rejects with an AgentError when it cannot connect. The caller reconnects.
   */
  async streamEvents(onEvent: (event: AgentEvent) => void, signal: AbortSignal): Promise<void> {
    const connectTimeout = new AbortController();
    const timer = setTimeout(
      () => connectTimeout.abort(new DOMException('connect timeout', 'TimeoutError')),
      this.timeoutMs,
    );
    let response: Response;
    try {
      response = await this.send(
        'GET',
        '/api/v1/events',
        undefined,
        AbortSignal.any([signal, connectTimeout.signal]),
        {
          Accept: 'text/event-stream',
        },
      );
    } finally {
      clearTimeout(timer);
    }
    if (!response.body)
      throw new AgentError('BAD_RESPONSE', 'The agent sent an event stream without a body.');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    const stop = () => void reader.cancel().catch(() => undefined);
    signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const event of parser.push(value)) {
          const parsed = parseAgentEvent(event.event, event.data);
          if (parsed) onEvent(parsed);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw new AgentError(
        'UNREACHABLE',
        `The connection to the agent's event stream broke: ${describe(error)}`,
      );
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  private async json<T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const response = await this.request(method, path, body, timeoutMs);
    try {
      return (await response.json()) as T;
    } catch {
      throw new AgentError(
        'BAD_RESPONSE',
        `The agent's answer to ${method} ${path} is not JSON.`,
        response.status,
      );
    }
  }

  private request(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = this.timeoutMs,
  ): Promise<Response> {
    return this.send(method, path, body, AbortSignal.timeout(timeoutMs));
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.pairing.token}`,
      ...extraHeaders,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.pairing.agentUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
        // Chromium asks the user before a public page may reach the user's own machine or
        // network (Local Network Access); declaring the target's address space lets that work
        // even from an https page to the agent's plain-http address. A wrong declaration fails
        // the request, so a public address declares nothing.
        ...(addressSpace(this.pairing.agentUrl)
          ? ({ targetAddressSpace: addressSpace(this.pairing.agentUrl) } as RequestInit)
          : {}),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new AgentError(
          'TIMEOUT',
          `Your agent at ${this.pairing.agentUrl} did not answer in time.`,
        );
      }
      if (error instanceof Error && error.name === 'AbortError') throw error;
      throw new AgentError(
        'UNREACHABLE',
        `Your agent at ${this.pairing.agentUrl} cannot be reached: it is not running, or the browser blocked the request.`,
      );
    }
    if (response.ok) return response;
    const message = await errorMessage(response);
    if (response.status === 401) {
      throw new AgentError(
        'UNAUTHORIZED',
        `Your agent refused the stored token (${message}). Pair again with its pairing link.`,
        401,
      );
    }
    if (response.status === 403) {
      throw new AgentError(
        'FORBIDDEN',
        `Your agent refused this site (${message}). Start it with --allow-origin ${typeof window === 'undefined' ? "<this site's origin>" : window.location.origin}.`,
        403,
      );
    }
    throw new AgentError('REJECTED', message, response.status);
  }
}

/** The Local Network Access address space of the agent's host, when it is a literal we can tell. */
export function addressSpace(agentUrl: string): 'loopback' | 'local' | undefined {
  let host: string;
  try {
    host = new URL(agentUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host))
    return 'loopback';
  if (
    /^(10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host) ||
    /^f[cd][0-9a-f]{2}:/.test(host) ||
    /^fe80:/.test(host)
  ) {
    return 'local';
  }
  return undefined;
}

export function parseAgentEvent(type: string, data: string): AgentEvent | null {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object') return null;
  const record = payload as Record<string, unknown>;
  if (type === 'transfer' && typeof record.infoHash === 'string')
    return { type: 'transfer', transfer: payload as Transfer };
  if (type === 'removed' && typeof record.infoHash === 'string')
    return { type: 'removed', infoHash: record.infoHash };
  return null;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string' && body.message) return body.message;
    if (Array.isArray(body.message)) return body.message.join('; ');
  } catch {
    // Not JSON: fall through to the status line.
  }
  return `HTTP ${response.status}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
