import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode, type BValue } from '@swarmhub/bencode';

export interface SeenRequest {
  path: string;
  /** The raw query pairs, values still percent-encoded. */
  rawQuery: Array<[string, string]>;
  param(name: string): string | undefined;
  /** Percent-decodes a parameter byte by byte, as a tracker must for binary values. */
  bytes(name: string): Buffer | undefined;
}

export type Answer =
  { body: Buffer | string; status?: number; headers?: Record<string, string> } | 'hang' | 'destroy';

/** A real HTTP tracker stand-in on 127.0.0.1: each request is recorded and answered by `handler`. */
export class TrackerTestServer {
  readonly requests: SeenRequest[] = [];
  handler: (req: SeenRequest) => Answer = () => ({
    body: bencode({ interval: 1800, peers: Buffer.alloc(0) }),
  });
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly hanging = new Set<http.ServerResponse>();

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/announce'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  requestsTo(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const rawQuery: Array<[string, string]> =
      q < 0
        ? []
        : raw
            .slice(q + 1)
            .split('&')
            .map((pair) => {
              const eq = pair.indexOf('=');
              return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
            });
    const seen: SeenRequest = {
      path,
      rawQuery,
      param: (name) => rawQuery.find(([k]) => k === name)?.[1],
      bytes: (name) => {
        const value = seen.param(name);
        return value === undefined ? undefined : percentDecode(value);
      },
    };
    this.requests.push(seen);
    const answer = this.handler(seen);
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (answer === 'destroy') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
    res.end(answer.body);
  }
}

export function percentDecode(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(text.charCodeAt(i));
  }
  return Buffer.from(out);
}

export function bencode(value: unknown): Buffer {
  return encode(value as BValue);
}

export function compactPeer(ip: string, port: number): Buffer {
  const out = Buffer.alloc(6);
  ip.split('.').forEach((octet, i) => (out[i] = Number(octet)));
  out.writeUInt16BE(port, 4);
  return out;
}
