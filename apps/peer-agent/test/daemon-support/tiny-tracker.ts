import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from '@swarmhub/bencode';

/**
 * A minimal HTTP tracker (BEP 3 with BEP 23 compact peers) that also serves .torrent files at
 * /torrents/<name>, standing in for the catalog's download address. Every announcing peer is
 * handed every other peer of the swarm.
 */
export class TinyTracker {
  private readonly swarms = new Map<string, Map<string, { ip: string; port: number }>>();
  private readonly files = new Map<string, Buffer>();
  private server: Server | undefined;
  announces = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const [path, query = ''] = (req.url ?? '').split('?', 2);
      if (path === '/announce') {
        this.announces++;
        const params = rawParams(query);
        const infoHash = params.get('info_hash');
        const port = Number(params.get('port')?.toString('latin1'));
        if (!infoHash || infoHash.length !== 20 || !Number.isInteger(port)) {
          res.end(encode({ 'failure reason': 'bad announce' }));
          return;
        }
        const key = infoHash.toString('hex');
        const swarm = this.swarms.get(key) ?? new Map<string, { ip: string; port: number }>();
        this.swarms.set(key, swarm);
        const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
        const self = `${ip}:${port}`;
        if (params.get('event')?.toString() === 'stopped') swarm.delete(self);
        else swarm.set(self, { ip, port });
        const peers = [...swarm.entries()]
          .filter(([k]) => k !== self)
          .map(([, p]) => {
            const b = Buffer.alloc(6);
            p.ip.split('.').forEach((octet, i) => b.writeUInt8(Number(octet), i));
            b.writeUInt16BE(p.port, 4);
            return b;
          });
        res.end(encode({ interval: 2, 'min interval': 1, peers: Buffer.concat(peers) }));
        return;
      }
      const file = path.startsWith('/torrents/')
        ? this.files.get(path.slice('/torrents/'.length))
        : undefined;
      if (file) {
        res.setHeader('Content-Type', 'application/x-bittorrent');
        res.end(file);
        return;
      }
      res.statusCode = 404;
      res.end('not found');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get announceUrl(): string {
    return `${this.url}/announce`;
  }

  /** Serves `bytes` at the returned address. */
  serveTorrent(name: string, bytes: Buffer): string {
    this.files.set(name, bytes);
    return `${this.url}/torrents/${name}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

/** Query parameters as raw bytes: info_hash is binary and must not go through UTF-8. */
function rawParams(query: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    out.set(part.slice(0, eq), percentDecode(part.slice(eq + 1)));
  }
  return out;
}

function percentDecode(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && i + 2 < s.length + 0 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (s[i] === '+') {
      bytes.push(0x20);
    } else {
      bytes.push(s.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}
