import type {
  AddTorrentRequest,
  AgentEvent,
  ApiErrorBody,
  CreateTorrentRequest,
  CreateTorrentResponse,
  Health,
  Limits,
  Settings,
  Transfer,
  TransferDetail,
} from '@swarmhub/api-types';

/** An answer of the agent other than success, or no answer at all (`statusCode` 0). */
export class AgentApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: string = statusCode === 0 ? 'UNREACHABLE' : 'HTTP_ERROR',
  ) {
    super(message);
    this.name = 'AgentApiError';
  }
}

export interface AgentClientOptions {
  /** e.g. http://127.0.0.1:6880 */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

/** The one typed client of the agent control API; the CLI and tests use it. */
export class AgentClient {
  private readonly baseUrl: string;

  constructor(private readonly options: AgentClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  health(): Promise<Health> {
    return this.request('GET', '/health');
  }

  async list(): Promise<Transfer[]> {
    return (await this.request<{ torrents: Transfer[] }>('GET', '/torrents')).torrents;
  }

  get(infoHash: string): Promise<TransferDetail> {
    return this.request('GET', `/torrents/${encodeURIComponent(infoHash)}`);
  }

  /** Adds by JSON (url, magnet or base64 .torrent); `created` is false for a duplicate. */
  async add(request: AddTorrentRequest): Promise<{ created: boolean; transfer: Transfer }> {
    const { status, body } = await this.send<Transfer>('POST', '/torrents', request);
    return { created: status === 201, transfer: body };
  }

  /** Adds a .torrent as a multipart upload (field `torrent`). */
  async addFile(
    torrent: Uint8Array,
    options: { saveDir?: string; paused?: boolean; fileName?: string } = {},
  ): Promise<{ created: boolean; transfer: Transfer }> {
    const form = new FormData();
    form.append(
      'torrent',
      new Blob([new Uint8Array(torrent)]),
      options.fileName ?? 'upload.torrent',
    );
    if (options.saveDir !== undefined) form.append('saveDir', options.saveDir);
    if (options.paused !== undefined) form.append('paused', String(options.paused));
    const { status, body } = await this.send<Transfer>('POST', '/torrents', form);
    return { created: status === 201, transfer: body };
  }

  pause(infoHash: string): Promise<Transfer> {
    return this.request('POST', `/torrents/${encodeURIComponent(infoHash)}/pause`);
  }

  resume(infoHash: string): Promise<Transfer> {
    return this.request('POST', `/torrents/${encodeURIComponent(infoHash)}/resume`);
  }

  recheck(infoHash: string): Promise<Transfer> {
    return this.request('POST', `/torrents/${encodeURIComponent(infoHash)}/recheck`);
  }

  async remove(infoHash: string, options: { deleteData?: boolean } = {}): Promise<void> {
    const query = `?deleteData=${options.deleteData === true ? 'true' : 'false'}`;
    await this.send('DELETE', `/torrents/${encodeURIComponent(infoHash)}${query}`);
  }

  setLimits(infoHash: string, limits: Limits): Promise<TransferDetail> {
    return this.request('PATCH', `/torrents/${encodeURIComponent(infoHash)}`, limits);
  }

  settings(): Promise<Settings> {
    return this.request('GET', '/settings');
  }

  setSettings(change: Limits): Promise<Settings> {
    return this.request('PATCH', '/settings', change);
  }

  create(request: CreateTorrentRequest): Promise<CreateTorrentResponse> {
    return this.request('POST', '/create', request);
  }

  /**
   * The event stream as an async iterator; stops when `signal` aborts (or the agent closes it).
   * Parsed per the SSE format: `event:` and `data:` lines, a blank line ends an event, lines
   * starting with ':' are comments (heartbeats).
   */
  async *events(signal?: AbortSignal): AsyncGenerator<AgentEvent> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1/events`, { headers: this.headers(), signal });
    } catch (err) {
      if (signal?.aborted) return;
      throw unreachable(this.baseUrl, err);
    }
    if (!response.ok || !response.body) throw await apiError(response);
    const decoder = new TextDecoder();
    let buffer = '';
    let event = 'message';
    let data: string[] = [];
    const reader = response.body.getReader();
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (signal?.aborted) return;
          throw err;
        }
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (data.length > 0 && (event === 'transfer' || event === 'removed')) {
              yield { event, data: JSON.parse(data.join('\n')) } as AgentEvent;
            }
            event = 'message';
            data = [];
          } else if (line.startsWith(':')) {
            continue;
          } else if (line.startsWith('event:')) {
            event = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.send<T>(method, path, body)).body;
  }

  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const headers = this.headers();
    let payload: string | FormData | undefined;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (err) {
      throw unreachable(this.baseUrl, err);
    }
    if (!response.ok) throw await apiError(response);
    if (response.status === 204) return { status: 204, body: undefined as T };
    return { status: response.status, body: (await response.json()) as T };
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json' };
  }
}

async function apiError(response: Response): Promise<AgentApiError> {
  const text = await response.text().catch(() => '');
  let message = `HTTP ${response.status}`;
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    if (text) message = `${message}: ${text.slice(0, 200)}`;
  }
  return new AgentApiError(response.status, message);
}

function unreachable(baseUrl: string, err: unknown): AgentApiError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (err as Error).message;
  return new AgentApiError(
    0,
    `cannot reach the agent at ${baseUrl} (${reason}); is \`peer-agent serve\` running?`,
  );
}
