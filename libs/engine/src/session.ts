import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Magnet, Metainfo } from '@swarmhub/metainfo';
import { DuplicateTorrentError, EngineError } from './errors.js';
import { PeerConnection } from './peer-connection.js';
import { PieceHasher } from './piece-hasher.js';
import { generatePeerId } from './peer-id.js';
import { TokenBucket } from './rate-limiter.js';
import { ResumeStore } from './resume/index.js';
import type { Storage } from './storage/index.js';
import { Torrent, type TorrentHost } from './torrent.js';
import type { SessionLimits, SessionOptions } from './types.js';

const DEFAULT_PEER_PORT = 6881;
const PORT_ATTEMPTS = 20;

export interface AddTorrentInput {
  metainfo?: Metainfo;
  magnet?: Magnet;
  saveDir: string;
  paused?: boolean;
  /** The data is known complete (it was just hashed to make the torrent): seed without checking. */
  skipCheck?: boolean;
  /** Pick pieces in order instead of rarest first. */
  sequential?: boolean;
}

/**
 * The engine's root: one TCP listener for every torrent (incoming handshakes are routed by info
 * hash), our peer id, the global limits, and the torrents themselves.
 */
export class Session extends EventEmitter {
  readonly peerId: Buffer;
  private readonly server: net.Server;
  private readonly resumeStore: ResumeStore;
  private readonly list = new Map<string, Torrent>();
  private readonly uploadLimiter: TokenBucket;
  private readonly downloadLimiter: TokenBucket;
  private maxConnections: number;
  private maxConnectionsPerTorrent: number;
  private readonly pendingIncoming = new Set<PeerConnection>();
  private readonly hasher = new PieceHasher();
  private port = 0;
  private closed = false;
  /** Tests swap the disk for memory here. */
  createStorage?: (saveDir: string, metainfo: Metainfo) => Storage;

  private constructor(private readonly options: SessionOptions) {
    super();
    this.peerId = options.peerId ?? generatePeerId();
    if (this.peerId.length !== 20) throw new EngineError('BAD_PEER_ID', 'a peer id is 20 bytes');
    this.resumeStore = new ResumeStore(options.resumeDir);
    this.uploadLimiter = new TokenBucket(options.uploadRateLimit ?? 0);
    this.downloadLimiter = new TokenBucket(options.downloadRateLimit ?? 0);
    this.maxConnections = options.maxConnections ?? 200;
    this.maxConnectionsPerTorrent = options.maxConnectionsPerTorrent ?? 50;
    this.server = net.createServer((socket) => this.onIncoming(socket));
  }

  static async create(options: SessionOptions): Promise<Session> {
    const session = new Session(options);
    await session.listen(options.peerPort ?? DEFAULT_PEER_PORT, options.listenHost ?? '0.0.0.0');
    return session;
  }

  get peerPort(): number {
    return this.port;
  }

  async addTorrent(input: AddTorrentInput): Promise<Torrent> {
    if (this.closed) throw new EngineError('CLOSED', 'the session is closed');
    const infoHash = input.metainfo?.infoHash ?? input.magnet?.infoHash;
    if (!infoHash) throw new EngineError('BAD_INPUT', 'addTorrent needs a metainfo or a magnet');
    const existing = this.list.get(infoHash);
    if (existing) throw new DuplicateTorrentError(existing);
    const torrent = new Torrent(this.hostFor(), input);
    this.list.set(infoHash, torrent);
    // An 'error' event without a listener would throw; the state and stats carry it anyway.
    torrent.on('error', (err: Error) => this.emit('torrent-error', torrent, err));
    try {
      await torrent.start(input);
    } catch (err) {
      this.list.delete(infoHash);
      await torrent.stop().catch(() => undefined);
      throw err;
    }
    return torrent;
  }

  getTorrent(infoHash: string): Torrent | undefined {
    return this.list.get(infoHash.toLowerCase());
  }

  torrents(): Torrent[] {
    return [...this.list.values()];
  }

  async removeTorrent(infoHash: string, options: { deleteData?: boolean } = {}): Promise<void> {
    const torrent = this.list.get(infoHash.toLowerCase());
    if (!torrent) throw new EngineError('NOT_FOUND', `no torrent ${infoHash} in the session`);
    this.list.delete(torrent.infoHash);
    await torrent.stop();
    if (options.deleteData) await torrent.deleteData();
    await this.resumeStore.remove(torrent.infoHash);
  }

  setLimits(limits: SessionLimits): void {
    if (limits.uploadRateLimit !== undefined) this.uploadLimiter.setRate(limits.uploadRateLimit);
    if (limits.downloadRateLimit !== undefined)
      this.downloadLimiter.setRate(limits.downloadRateLimit);
    if (limits.maxConnections !== undefined) this.maxConnections = limits.maxConnections;
    if (limits.maxConnectionsPerTorrent !== undefined)
      this.maxConnectionsPerTorrent = limits.maxConnectionsPerTorrent;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const c of this.pendingIncoming) c.close('session closing');
    });
    await Promise.all(this.torrents().map((t) => t.stop()));
    await this.hasher.close();
  }

  private hostFor(): TorrentHost {
    return {
      peerId: this.peerId,
      peerPort: () => this.port,
      resumeStore: this.resumeStore,
      uploadLimiter: this.uploadLimiter,
      downloadLimiter: this.downloadLimiter,
      maxConnectionsPerTorrent: () => this.maxConnectionsPerTorrent,
      canOpenConnection: () => this.connectionCount() < this.maxConnections,
      createStorage: this.createStorage,
      hasher: this.hasher,
    };
  }

  private connectionCount(): number {
    let n = this.pendingIncoming.size;
    for (const t of this.list.values()) n += t.connectionCount();
    return n;
  }

  private onIncoming(socket: net.Socket): void {
    if (this.closed || this.connectionCount() >= this.maxConnections) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn = new PeerConnection({
      stream: socket,
      address: normalizeAddress(socket.remoteAddress ?? ''),
      port: socket.remotePort ?? 0,
      outgoing: false,
      peerId: this.peerId,
    });
    this.pendingIncoming.add(conn);
    conn.once('close', () => this.pendingIncoming.delete(conn));
    conn.once('handshake', () => {
      this.pendingIncoming.delete(conn);
      const hash = conn.remoteInfoHash?.toString('hex');
      const target = hash ? this.list.get(hash) : undefined;
      if (!target) {
        conn.close('unknown info hash');
        return;
      }
      target.attachIncoming(conn);
    });
  }

  private async listen(port: number, host: string): Promise<void> {
    const attempts = port === 0 ? 1 : PORT_ATTEMPTS;
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      const candidate = port === 0 ? 0 : port + i;
      if (candidate > 65535) break;
      try {
        await new Promise<void>((resolve, reject) => {
          const onError = (err: Error) => {
            this.server.off('listening', onListening);
            reject(err);
          };
          const onListening = () => {
            this.server.off('error', onError);
            resolve();
          };
          this.server.once('error', onError);
          this.server.once('listening', onListening);
          this.server.listen(candidate, host);
        });
        this.port = (this.server.address() as net.AddressInfo).port;
        // After listening, a server error (e.g. EMFILE on accept) must not crash the process.
        this.server.on('error', (err) => this.emit('listener-error', err));
        return;
      } catch (err) {
        lastError = err;
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    throw new EngineError(
      'LISTEN_FAILED',
      `cannot listen for peers on ${host}:${port}: ${(lastError as Error).message}`,
    );
  }
}

function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
