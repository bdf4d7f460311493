import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Magnet, Metainfo } from '@swarmhub/metainfo';
import { parseInfoDictionary, pieceHash, pieceSize } from '@swarmhub/metainfo';
import { PiecePicker, type BlockRequest } from '@swarmhub/piece-picker';
import { AnnounceScheduler, type AnnouncePeer } from '@swarmhub/tracker-client';
import {
  Bitfield,
  allowedFastSet,
  clientFromPeerId,
  type ExtendedHandshake,
  type Message,
} from '@swarmhub/wire';
import { BlockServer } from './block-server.js';
import { Choker } from './choker.js';
import { EngineError } from './errors.js';
import { FirstCopies } from './first-copies.js';
import { connectWithFrameReader } from './frame-reader.js';
import { HashFailureTracker } from './hash-failure-tracker.js';
import { MetadataExchange, OUR_UT_METADATA_ID } from './metadata-exchange.js';
import { PeerConnection, type BlockRef } from './peer-connection.js';
import { BufferPool } from './buffer-pool.js';
import { PieceCache } from './piece-cache.js';
import { PieceHasher } from './piece-hasher.js';
import { TokenBucket } from './rate-limiter.js';
import { RateMeter } from './rate-meter.js';
import type { ResumeStore } from './resume/index.js';
import { FileStorage, checkAll, type Storage } from './storage/index.js';
import { torrentFileBytes } from './torrent-file.js';
import { ResumeWriter } from './resume-writer.js';
import { banKeyFor, banKeyOf, newTorrentPeer, type TorrentPeer } from './torrent-peer.js';
import type {
  FileInfo,
  PeerInfo,
  TorrentLimits,
  TorrentState,
  TorrentStats,
  TrackerInfo,
} from './types.js';

/** What a torrent needs from its session. */
export interface TorrentHost {
  peerId: Buffer;
  peerPort(): number;
  resumeStore: ResumeStore;
  uploadLimiter: TokenBucket;
  downloadLimiter: TokenBucket;
  maxConnectionsPerTorrent(): number;
  /** False when the session-wide connection limit is reached. */
  canOpenConnection(): boolean;
  createStorage?: (saveDir: string, metainfo: Metainfo) => Storage;
  hasher: PieceHasher;
}

export interface TorrentInput {
  metainfo?: Metainfo;
  magnet?: Magnet;
  saveDir: string;
  paused?: boolean;
  /** The data is known complete (it was just hashed to make the torrent): seed without checking. */
  skipCheck?: boolean;
  /** Pick pieces in order (streaming, or to compare against rarest first) instead of rarest first. */
  sequential?: boolean;
}

interface Assembly {
  buffer: Buffer;
  senders: (string | undefined)[];
}

interface Candidate {
  ip: string;
  port: number;
  failures: number;
  nextAttemptAt: number;
  connected: boolean;
}

const BLOCK_SIZE = 16384;
const REQUEST_TIMEOUT_MS = 20_000;
const ENDGAME_REQUEST_TIMEOUT_MS = 5_000;
const RESUME_SAVE_INTERVAL_MS = 4_000;
const CHOKE_INTERVAL_MS = 10_000;
/** A piece a peer refused to serve is asked of it again after this long, if nobody else has it. */
const REFUSED_RETRY_MS = 1000;
/** Verified pieces waiting for the disk beyond this stop new requests: a slow disk slows us, never bloats us. */
const MAX_PENDING_WRITE_BYTES = 8 << 20;
const CLIENT_VERSION = 'Swarmhub 0.1.0';

/**
 * One torrent: its peers, piece picking, assembly and verification, serving, choking, tracker and
 * resume data. States: metadata (magnet, no info yet) -> checking -> downloading -> seeding, with
 * paused and error beside them.
 */
export class Torrent extends EventEmitter {
  readonly infoHash: string;
  readonly infoHashBytes: Buffer;
  readonly saveDir: string;
  metainfo?: Metainfo;

  private state: TorrentState;
  private errorMessage?: string;
  private storage?: Storage;
  private picker?: PiecePicker;
  private pieceCache?: PieceCache;
  private bufferPool?: BufferPool;
  private readonly connections = new Map<string, TorrentPeer>();
  private readonly candidates = new Map<string, Candidate>();
  private readonly assemblies = new Map<number, Assembly>();
  private readonly failures = new HashFailureTracker(BLOCK_SIZE);
  private readonly choker = new Choker();
  /** While seeding: which requests to turn away so that the seed sends pieces nobody has first. */
  private firstCopies: FirstCopies | undefined;
  private readonly metadataExchange: MetadataExchange;
  private readonly blockServer: BlockServer;
  private readonly resumeWriter: ResumeWriter;
  private announcer?: AnnounceScheduler;
  /** A scheduler is done once stopped: resuming makes a new one. */
  private announcerStopped = false;
  private readonly magnet?: Magnet;
  private readonly uploadLimiter: TokenBucket;
  private readonly downloadLimiter: TokenBucket;
  private maxConnections?: number;
  private readonly downloadMeter = new RateMeter();
  private readonly uploadMeter = new RateMeter();
  private previousDownloaded = 0;
  private previousUploaded = 0;
  /** Payload bytes received that we wanted (duplicates of endgame not counted), this session. */
  sessionDownloaded = 0;
  sessionUploaded = 0;
  private pendingWriteBytes = 0;
  private timer?: NodeJS.Timeout;
  private lastChokeAt = 0;
  private chokeScheduled = false;
  private stopped = false;
  private completedThisSession = false;
  /** Piece writes not yet finished: stop waits for them so the last resume record includes them. */
  private readonly writesInFlight = new Set<Promise<void>>();
  private readonly sequential: boolean;
  private sequentialCursor = 0;

  constructor(
    private readonly host: TorrentHost,
    input: TorrentInput,
  ) {
    super();
    const hashBytes = input.metainfo?.infoHashBytes ?? input.magnet?.infoHashBytes;
    if (!hashBytes) throw new EngineError('BAD_INPUT', 'a torrent needs a metainfo or a magnet');
    this.infoHashBytes = hashBytes;
    this.infoHash = hashBytes.toString('hex');
    this.saveDir = input.saveDir;
    this.metainfo = input.metainfo;
    this.magnet = input.magnet;
    this.sequential = input.sequential ?? false;
    this.uploadLimiter = new TokenBucket(0, host.uploadLimiter);
    this.downloadLimiter = new TokenBucket(0, host.downloadLimiter);
    this.state = input.paused ? 'paused' : this.metainfo ? 'checking' : 'metadata';
    this.metadataExchange = new MetadataExchange(hashBytes, !this.metainfo);
    this.blockServer = new BlockServer({
      pieceCache: () => this.pieceCache,
      pieceSize: (i) => {
        const m = this.metainfo;
        return m && Number.isInteger(i) && i >= 0 && i < m.pieceCount ? pieceSize(m, i) : undefined;
      },
      have: (i) => this.picker?.have(i) ?? false,
      admit: (peer, block) =>
        this.firstCopies?.admit(peer.firstCopies, block, Date.now(), peer.conn.supportsFast) ??
        'copy',
      limiter: this.uploadLimiter,
      onSent: (bytes) => {
        this.sessionUploaded += bytes;
        this.uploadMeter.add(bytes);
      },
      onError: (err) =>
        this.fail(new EngineError('STORAGE', `cannot read data to serve: ${err.message}`)),
    });
    this.resumeWriter = new ResumeWriter(
      host.resumeStore,
      () =>
        this.picker && this.storage && this.metainfo
          ? {
              storage: this.storage,
              data: {
                infoHash: this.infoHash,
                bitfield: this.picker.haveBitfield().toBuffer(),
                pieceCount: this.metainfo.pieceCount,
                uploaded: this.previousUploaded + this.sessionUploaded,
                downloaded: this.previousDownloaded + this.sessionDownloaded,
                savedAt: new Date().toISOString(),
              },
            }
          : undefined,
      RESUME_SAVE_INTERVAL_MS,
    );
  }

  /** Called once by the session after construction. */
  async start(input: TorrentInput): Promise<void> {
    if (this.metainfo) {
      await this.host.resumeStore
        .saveTorrentFile(
          this.infoHash,
          torrentFileBytes(this.metainfo.info, this.metainfo.announceList),
        )
        .catch(() => undefined);
      await this.prepare(input.skipCheck ?? false);
    }
    this.createAnnouncer();
    if (input.paused) {
      this.setState('paused');
      return;
    }
    this.activate();
  }

  // ---------------------------------------------------------------- public API

  stats(): TorrentStats {
    const m = this.metainfo;
    const pieceCount = m?.pieceCount ?? 0;
    const piecesDone = this.picker?.haveCount() ?? 0;
    const totalLength = m?.totalLength ?? 0;
    const missing = this.picker ? this.picker.missingBytes() : totalLength;
    const progress = m ? (totalLength === 0 ? 1 : (totalLength - missing) / totalLength) : 0;
    const downloadRate = this.downloadMeter.rate();
    const uploadRate = this.uploadMeter.rate();
    const downloaded = this.previousDownloaded + this.sessionDownloaded;
    const uploaded = this.previousUploaded + this.sessionUploaded;
    let seeds = 0;
    let peers = 0;
    for (const p of this.connections.values()) {
      if (!p.ready) continue;
      peers++;
      if (this.isSeed(p)) seeds++;
    }
    const stats: TorrentStats = {
      infoHash: this.infoHash,
      name: m?.name ?? this.magnet?.displayName ?? this.infoHash,
      totalLength,
      state: this.state,
      progress,
      downloaded,
      uploaded,
      downloadRate,
      uploadRate,
      peers,
      seeds,
      eta: m && missing === 0 ? 0 : downloadRate > 0 ? Math.ceil(missing / downloadRate) : null,
      ratio: downloaded > 0 ? uploaded / downloaded : 0,
      piecesDone,
      pieceCount,
    };
    if (this.errorMessage) stats.error = this.errorMessage;
    return stats;
  }

  /** The user's files, in torrent order; BEP 47 padding files are none of them. */
  files(): FileInfo[] {
    const m = this.metainfo;
    if (!m) return [];
    return m.files
      .filter((f) => !f.padding)
      .map((f) => {
        let downloaded = 0;
        if (this.picker && f.length > 0) {
          const first = Math.floor(f.offset / m.pieceLength);
          const last = Math.floor((f.offset + f.length - 1) / m.pieceLength);
          for (let i = first; i <= last; i++) {
            if (!this.picker.have(i)) continue;
            const start = Math.max(f.offset, i * m.pieceLength);
            const end = Math.min(f.offset + f.length, i * m.pieceLength + pieceSize(m, i));
            downloaded += end - start;
          }
        }
        return { path: f.path.join('/'), length: f.length, downloaded };
      });
  }

  bitfield(): Buffer {
    return this.picker ? this.picker.haveBitfield().toBuffer() : Buffer.alloc(0);
  }

  /**
   * Pieces being downloaded (a block requested or received, hash not checked and stored yet), in
   * the same BEP 3 order as `bitfield()`, which it never overlaps.
   */
  inProgressBitfield(): Buffer {
    return this.picker ? this.picker.inProgressBitfield().toBuffer() : Buffer.alloc(0);
  }

  peers(): PeerInfo[] {
    const pieceCount = this.metainfo?.pieceCount ?? 0;
    return [...this.connections.values()]
      .filter((p) => p.ready)
      .map((p) => {
        const c = p.conn;
        let flags = '';
        if (c.amInterested && !c.peerChoking) flags += 'D';
        else if (c.amInterested) flags += 'd';
        if (c.peerInterested && !c.amChoking) flags += 'U';
        else if (c.peerInterested) flags += 'u';
        if (this.choker.optimisticPeer === p.key) flags += 'O';
        flags += c.outgoing ? 'o' : 'I';
        if (c.supportsFast) flags += 'F';
        return {
          address: c.address,
          port: c.port,
          client: c.remotePeerId ? clientFromPeerId(c.remotePeerId) : 'unknown',
          downloadRate: c.downloadMeter.rate(),
          uploadRate: c.uploadMeter.rate(),
          progress: p.has === 'all' ? 1 : pieceCount > 0 ? p.hasCount / pieceCount : 0,
          flags,
        };
      });
  }

  trackers(): TrackerInfo[] {
    return this.announcer?.trackers() ?? [];
  }

  setLimits(limits: TorrentLimits): void {
    if (limits.uploadRateLimit !== undefined) this.uploadLimiter.setRate(limits.uploadRateLimit);
    if (limits.downloadRateLimit !== undefined)
      this.downloadLimiter.setRate(limits.downloadRateLimit);
    if (limits.maxConnections !== undefined)
      this.maxConnections = limits.maxConnections || undefined;
  }

  async pause(): Promise<void> {
    if (this.state === 'paused' || this.stopped) return;
    this.deactivate();
    this.setState('paused');
    await Promise.all([this.stopAnnouncer(), this.flushResume()]);
  }

  async resume(): Promise<void> {
    if (this.state !== 'paused' && this.state !== 'error') return;
    this.errorMessage = undefined;
    if (this.metainfo && !this.picker) {
      await this.prepare(false);
    }
    this.activate();
  }

  async recheck(): Promise<void> {
    if (!this.metainfo) throw new EngineError('NO_METADATA', 'the metadata is not known yet');
    const wasPaused = this.state === 'paused';
    this.deactivate();
    await this.flushResume();
    this.picker = undefined;
    await this.prepare(false, true);
    if (wasPaused) this.setState('paused');
    else this.activate();
  }

  // ---------------------------------------------------------------- session hooks

  /** Stops everything: announce stopped, close peers, write resume data. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.deactivate();
    await Promise.allSettled([...this.writesInFlight]);
    this.stopped = true;
    await Promise.all([this.stopAnnouncer(), this.flushResume()]);
    await this.storage?.close().catch(() => undefined);
  }

  async deleteData(): Promise<void> {
    await this.storage?.deleteData();
  }

  connectionCount(): number {
    return this.connections.size;
  }

  get downloadBucket(): TokenBucket {
    return this.downloadLimiter;
  }

  /** An incoming connection whose handshake named this torrent. */
  attachIncoming(conn: PeerConnection): void {
    if (
      !this.isActive() ||
      this.connections.size >= this.connectionLimit() ||
      this.isBannedConn(conn)
    ) {
      conn.close('not accepting');
      return;
    }
    if (this.hasPeerId(conn.remotePeerId)) {
      conn.close('duplicate peer');
      return;
    }
    conn.downloadLimiter = this.downloadLimiter;
    conn.sendHandshake(this.infoHashBytes);
    const peer = this.track(conn);
    this.onPeerReady(peer);
  }

  /** Peers from a tracker (or a test): candidates for outgoing connections. */
  addPeers(peers: AnnouncePeer[]): void {
    for (const p of peers) {
      if (!net.isIP(p.ip) || p.port <= 0 || p.port > 65535) continue;
      const key = `${p.ip}:${p.port}`;
      if (!this.candidates.has(key)) {
        this.candidates.set(key, {
          ip: p.ip,
          port: p.port,
          failures: 0,
          nextAttemptAt: 0,
          connected: false,
        });
      }
    }
    if (this.isActive()) this.connectMore();
  }

  // ---------------------------------------------------------------- lifecycle

  private createAnnouncer(): void {
    const tiers = this.metainfo?.announceList?.length
      ? this.metainfo.announceList
      : (this.magnet?.trackers ?? []).map((t) => [t]);
    const announcer = new AnnounceScheduler({
      announceList: tiers,
      infoHash: this.infoHashBytes,
      peerId: this.host.peerId,
      port: this.host.peerPort(),
      totals: () => ({
        uploaded: this.sessionUploaded,
        downloaded: this.sessionDownloaded,
        left: this.picker ? this.picker.missingBytes() : (this.magnet?.exactLength ?? 0) || 1,
      }),
      stopTimeoutMs: 3000,
      minReannounceMs: 5000,
    });
    announcer.on('peers', (peers: AnnouncePeer[]) => this.addPeers(peers));
    announcer.on('result', (r) => this.emit('tracker', r));
    this.announcer = announcer;
    this.announcerStopped = false;
  }

  private async stopAnnouncer(): Promise<void> {
    if (!this.announcer || this.announcerStopped) return;
    this.announcerStopped = true;
    await this.announcer.stop();
  }

  /** Sets up storage and the picker, from resume data or by hashing what is on disk. */
  private async prepare(skipCheck: boolean, forceCheck = false): Promise<void> {
    const m = this.metainfo!;
    this.setState('checking');
    if (!this.storage) {
      this.storage = this.host.createStorage
        ? this.host.createStorage(this.saveDir, m)
        : new FileStorage(this.saveDir, m.files);
      this.pieceCache = new PieceCache(this.storage, m.pieceLength, (i) => pieceSize(m, i));
      this.bufferPool = new BufferPool(m.pieceLength);
    }
    const picker = new PiecePicker({
      pieceCount: m.pieceCount,
      pieceLength: m.pieceLength,
      totalLength: m.totalLength,
    });
    const resume = forceCheck
      ? null
      : await this.host.resumeStore.load(this.infoHash).catch(() => null);
    let have: Bitfield;
    if (resume && resume.pieceCount === m.pieceCount && resume.infoHash === this.infoHash) {
      have = Bitfield.fromBuffer(resume.bitfield, m.pieceCount);
      this.previousDownloaded = resume.downloaded;
      this.previousUploaded = resume.uploaded;
    } else if (skipCheck) {
      have = new Bitfield(m.pieceCount);
      for (let i = 0; i < m.pieceCount; i++) have.set(i);
    } else {
      if (resume) {
        this.previousDownloaded = resume.downloaded;
        this.previousUploaded = resume.uploaded;
      }
      have = await checkAll(this.storage, m);
    }
    for (let i = 0; i < m.pieceCount; i++) if (have.get(i)) picker.setHave(i);
    this.picker = picker;
    this.assemblies.clear();
    this.pieceCache?.clear();
    this.resumeWriter.markDirty();
    await this.flushResume();
  }

  private activate(): void {
    if (this.stopped) return;
    if (!this.metainfo) this.setState('metadata');
    else this.setState(this.picker!.isComplete() ? 'seeding' : 'downloading');
    if (this.state === 'downloading') this.host.hasher.warm();
    if (!this.announcer || this.announcerStopped) this.createAnnouncer();
    this.announcer!.start();
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), 1000);
      this.timer.unref();
    }
    this.connectMore();
  }

  private deactivate(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const p of [...this.connections.values()]) p.conn.close('torrent stopped');
    this.connections.clear();
    // We closed them, not they us: no backoff before reconnecting once active again.
    for (const c of this.candidates.values()) {
      c.connected = false;
      c.nextAttemptAt = 0;
    }
  }

  private isActive(): boolean {
    return (
      !this.stopped &&
      (this.state === 'downloading' || this.state === 'seeding' || this.state === 'metadata')
    );
  }

  private setState(state: TorrentState): void {
    if (this.state === state) return;
    this.state = state;
    this.firstCopies = undefined;
    if (state === 'seeding' && this.metainfo) {
      this.firstCopies = new FirstCopies(this.metainfo.pieceCount);
      for (const p of this.connections.values()) if (p.has) this.firstCopies.markAllCopied(p.has);
    }
    this.emit('state', state);
  }

  private fail(err: Error): void {
    if (this.state === 'error') return;
    this.errorMessage = err.message;
    this.deactivate();
    this.setState('error');
    void this.stopAnnouncer();
    this.emit('error', err);
  }

  private tick(): void {
    const now = Date.now();
    const endgame = this.picker?.inEndgame() ?? false;
    for (const p of this.connections.values()) {
      if (!p.ready || !this.picker) continue;
      const timedOut = p.conn.takeTimedOut(
        endgame ? ENDGAME_REQUEST_TIMEOUT_MS : REQUEST_TIMEOUT_MS,
        now,
      );
      for (const b of timedOut) this.picker.cancelRequest(p.key, b);
    }
    if (now - this.lastChokeAt >= CHOKE_INTERVAL_MS) this.rechoke();
    this.connectMore();
    if (this.state !== 'seeding' && this.connections.size < 5) this.announcer?.requestPeers();
    if (this.metadataExchange.fetching)
      for (const p of this.connections.values()) this.metadataExchange.requestFrom(p);
    this.fillAll();
    if (this.resumeWriter.due(now)) void this.flushResume().catch((err: Error) => this.fail(err));
  }

  // ---------------------------------------------------------------- connections

  private connectionLimit(): number {
    return this.maxConnections ?? this.host.maxConnectionsPerTorrent();
  }

  private connectMore(): void {
    if (!this.isActive()) return;
    const now = Date.now();
    for (const c of this.candidates.values()) {
      if (this.connections.size >= this.connectionLimit() || !this.host.canOpenConnection()) return;
      if (c.connected || c.nextAttemptAt > now) continue;
      if (this.failures.isBanned(banKeyFor(c.ip, c.port))) continue;
      this.connect(c);
    }
  }

  private connect(c: Candidate): void {
    c.connected = true;
    const { socket, reader } = connectWithFrameReader(c.ip, c.port);
    socket.setNoDelay(true);
    socket.setTimeout(10_000, () => socket.destroy(new Error('connect timeout')));
    socket.once('connect', () => socket.setTimeout(0));
    const conn = new PeerConnection({
      stream: socket,
      address: c.ip,
      port: c.port,
      outgoing: true,
      peerId: this.host.peerId,
      infoHash: this.infoHashBytes,
      downloadLimiter: this.downloadLimiter,
      reader,
    });
    conn.sendHandshake(this.infoHashBytes);
    const peer = this.track(conn);
    conn.once('handshake', () => {
      if (this.hasPeerId(conn.remotePeerId, peer)) return conn.close('duplicate peer');
      c.failures = 0;
      this.onPeerReady(peer);
    });
    conn.once('close', () => {
      c.connected = false;
      if (!peer.ready) c.failures++;
      // Backoff so an unreachable peer is not hammered; a good one that left may come back.
      c.nextAttemptAt = Date.now() + Math.min(300_000, 5000 * 2 ** Math.min(c.failures, 6));
    });
  }

  private hasPeerId(id: Buffer | undefined, except?: TorrentPeer): boolean {
    if (!id) return false;
    for (const p of this.connections.values()) {
      if (p !== except && p.ready && p.conn.remotePeerId?.equals(id)) return true;
    }
    return false;
  }

  private isBannedConn(conn: PeerConnection): boolean {
    return this.failures.isBanned(banKeyOf(conn));
  }

  private track(conn: PeerConnection): TorrentPeer {
    const peer = newTorrentPeer(conn);
    this.connections.set(peer.key, peer);
    conn.on('message', (m: Message) => this.guard(peer, () => this.onMessage(peer, m)));
    conn.on('block', (index: number, begin: number, data: Buffer) =>
      this.guard(peer, () => this.onBlock(peer, index, begin, data)),
    );
    conn.on('requests-dropped', (blocks: BlockRef[], refused = false) => {
      for (const b of blocks) {
        this.picker?.cancelRequest(peer.key, b);
        if (refused) peer.refusedPieces.set(b.index, Date.now());
      }
      // A reject frees one block: the peer asks for another, and the others pick it up with their
      // next block (a seed that refuses copies sends thousands; refilling every peer on each was
      // a good part of a leecher's CPU). A choke frees many: everyone may take them.
      if (refused) this.fillRequests(peer);
      else this.fillAll();
    });
    conn.on('extended-handshake', (h: ExtendedHandshake) =>
      this.guard(peer, () => this.metadataExchange.onExtendedHandshake(peer, h)),
    );
    conn.once('close', () => this.onPeerClosed(peer));
    return peer;
  }

  /** A misbehaving peer is dropped; our own bugs surface as a torrent error instead of a crash. */
  private guard(peer: TorrentPeer, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      peer.conn.close(`protocol error: ${(err as Error).message}`);
    }
  }

  private onPeerReady(peer: TorrentPeer): void {
    const conn = peer.conn;
    peer.ready = true;
    peer.banKey = banKeyOf(conn);
    if (this.failures.isBanned(peer.banKey)) return conn.close('banned');
    const m = this.metainfo;
    if (m && this.picker) {
      conn.setPieceCount(m.pieceCount);
      peer.has = new Bitfield(m.pieceCount);
      const haveCount = this.picker.haveCount();
      if (conn.supportsFast && haveCount === m.pieceCount) conn.send({ type: 'have-all' });
      else if (conn.supportsFast && haveCount === 0) conn.send({ type: 'have-none' });
      else if (haveCount > 0)
        conn.send({ type: 'bitfield', bitfield: this.picker.haveBitfield().toBuffer() });
    } else if (conn.supportsFast) {
      conn.send({ type: 'have-none' });
    }
    conn.sendExtendedHandshake({
      m: { ut_metadata: OUR_UT_METADATA_ID },
      metadataSize: m?.info.length,
      v: CLIENT_VERSION,
      reqq: 1000,
      p: this.host.peerPort(),
    });
    if (
      m &&
      this.picker &&
      conn.supportsFast &&
      net.isIPv4(conn.address) &&
      !this.allowedFastGivenTo(conn.address, peer)
    ) {
      try {
        for (const i of allowedFastSet(conn.address, this.infoHashBytes, m.pieceCount, 10)) {
          if (!this.picker.have(i)) continue;
          peer.allowedFastGiven.add(i);
          conn.send({ type: 'allowed-fast', index: i });
        }
      } catch {
        // The allowed-fast set is a courtesy; a peer without it is served once unchoked.
      }
    }
  }

  /**
   * Whether another connection from this address holds our allowed-fast set. BEP 6 gives every
   * connection from one address the same set (so reconnecting gains nothing); granting it to each
   * of them would send the same free pieces once per connection: several clients behind one NAT
   * (or on one host) cost the set's size in duplicate uploads each. One grant per address.
   */
  private allowedFastGivenTo(address: string, except: TorrentPeer): boolean {
    for (const p of this.connections.values())
      if (p !== except && p.conn.address === address && p.allowedFastGiven.size > 0) return true;
    return false;
  }

  private onPeerClosed(peer: TorrentPeer): void {
    if (this.connections.get(peer.key) === peer) this.connections.delete(peer.key);
    if (this.picker) {
      this.picker.releasePeer(peer.key);
      if (peer.has === 'all') this.picker.decAvailability('all');
      else if (peer.has && peer.hasCount > 0) this.picker.decAvailability(peer.has);
    }
    this.metadataExchange.peerGone(peer);
    this.blockServer.closed(peer);
    if (!this.isActive()) return;
    if (!peer.conn.amChoking) this.scheduleRechoke();
    this.fillAll();
  }

  // ---------------------------------------------------------------- messages

  private onMessage(peer: TorrentPeer, m: Message): void {
    switch (m.type) {
      case 'bitfield':
        return this.onBitfield(peer, m.bitfield);
      case 'have':
        return this.onHave(peer, m.index);
      case 'have-all':
        return this.onHaveAll(peer);
      case 'have-none':
        return;
      case 'unchoke':
        return this.fillRequests(peer);
      case 'choke':
        return;
      case 'allowed-fast':
        return this.fillRequests(peer);
      case 'interested':
      case 'not-interested':
        return this.scheduleRechoke();
      case 'request':
        return this.blockServer.request(peer, m);
      case 'cancel':
        return this.blockServer.cancel(peer, m);
      case 'extended':
        if (m.id === OUR_UT_METADATA_ID) this.onMetadataMessage(peer, m.payload);
        return;
      default:
        return;
    }
  }

  private onBitfield(peer: TorrentPeer, raw: Buffer): void {
    if (!this.picker || !this.metainfo) {
      peer.early.bitfield = Buffer.from(raw);
      return;
    }
    const bf = Bitfield.fromBuffer(raw, this.metainfo.pieceCount);
    if (peer.has === 'all') return;
    if (peer.has && peer.hasCount > 0) this.picker.decAvailability(peer.has);
    peer.has = bf;
    peer.hasCount = bf.count();
    if (peer.hasCount > 0) this.picker.incAvailability(bf);
    this.firstCopies?.markAllCopied(bf);
    this.afterAvailabilityChange(peer);
  }

  private onHave(peer: TorrentPeer, index: number): void {
    if (!this.picker || !this.metainfo) {
      if (peer.early.haves.length < 100_000) peer.early.haves.push(index);
      return;
    }
    if (!Number.isInteger(index) || index < 0 || index >= this.metainfo.pieceCount)
      throw new Error(`have ${index} out of range`);
    if (peer.has === 'all' || !peer.has || peer.has.get(index)) return;
    peer.has.set(index);
    peer.hasCount++;
    this.picker.incPiece(index);
    this.firstCopies?.markCopied(index);
    if (!this.picker.have(index) && !peer.conn.amInterested) peer.conn.send({ type: 'interested' });
    this.afterAvailabilityChange(peer, true);
  }

  private onHaveAll(peer: TorrentPeer): void {
    if (!this.picker || !this.metainfo) {
      peer.early.all = true;
      return;
    }
    if (peer.has === 'all') return;
    if (peer.has && peer.hasCount > 0) this.picker.decAvailability(peer.has);
    peer.has = 'all';
    peer.hasCount = this.metainfo.pieceCount;
    this.picker.incAvailability('all');
    this.firstCopies?.markAllCopied('all');
    this.afterAvailabilityChange(peer);
  }

  private afterAvailabilityChange(peer: TorrentPeer, interestKnown = false): void {
    if (this.state === 'seeding' && this.isSeed(peer)) {
      peer.conn.close('both seeds');
      return;
    }
    if (!interestKnown) this.updateInterest(peer);
    this.fillRequests(peer);
  }

  private isSeed(peer: TorrentPeer): boolean {
    const count = this.metainfo?.pieceCount;
    return peer.has === 'all' || (count !== undefined && count > 0 && peer.hasCount === count);
  }

  /** Interested exactly when the peer has a piece we lack. */
  private updateInterest(peer: TorrentPeer): void {
    if (!this.picker || !peer.has) return;
    let wants = false;
    if (!this.picker.isComplete()) {
      if (peer.has === 'all') wants = true;
      else {
        const count = this.metainfo!.pieceCount;
        for (let i = 0; i < count; i++) {
          if (peer.has.get(i) && !this.picker.have(i)) {
            wants = true;
            break;
          }
        }
      }
    }
    if (wants && !peer.conn.amInterested) peer.conn.send({ type: 'interested' });
    else if (!wants && peer.conn.amInterested) peer.conn.send({ type: 'not-interested' });
  }

  // ---------------------------------------------------------------- downloading

  private fillAll(): void {
    if (!this.picker || this.state !== 'downloading') return;
    for (const p of this.connections.values()) this.fillRequests(p);
  }

  private fillRequests(peer: TorrentPeer): void {
    const picker = this.picker;
    const conn = peer.conn;
    if (!picker || this.state !== 'downloading' || !peer.ready || !peer.has || conn.closed) return;
    if (!conn.amInterested) return;
    if (this.pendingWriteBytes > MAX_PENDING_WRITE_BYTES) return;
    let onlyPieces = this.sequential ? this.nextPiecesInOrder(peer, 32) : undefined;
    if (conn.peerChoking) {
      if (!conn.supportsFast || conn.allowedFast.size === 0) return;
      onlyPieces = (onlyPieces ?? [...conn.allowedFast]).filter(
        (i) =>
          conn.allowedFast.has(i) && !picker.have(i) && (peer.has === 'all' || peer.has!.get(i)),
      );
    }
    if (onlyPieces && onlyPieces.length === 0) return;
    const depth = conn.pipelineDepth(this.downloadLimiter.effectiveRate());
    const want = depth - conn.outstanding.size;
    // Refill in batches (a quarter of the pipeline at a time) so picking and writing are not per block.
    if (want <= 0 || (want < depth / 4 && conn.outstanding.size > 0)) return;
    let blocks = picker.pickBlocks(peer.key, peer.has, want, {
      onlyPieces,
      skip: peer.refusedPieces,
    });
    // Refused pieces are asked of this peer again once it has nothing else we want, and not
    // sooner than a second after the refusal (the tick comes back): a peer that refuses again at
    // once would otherwise be asked in a loop.
    if (blocks.length === 0 && peer.refusedPieces.size > 0) {
      const now = Date.now();
      for (const [index, at] of peer.refusedPieces)
        if (now - at >= REFUSED_RETRY_MS) peer.refusedPieces.delete(index);
      blocks = picker.pickBlocks(peer.key, peer.has, want, {
        onlyPieces,
        skip: peer.refusedPieces,
      });
    }
    conn.request(blocks);
    if (blocks.length === 0 && conn.outstanding.size === 0 && !conn.peerChoking)
      this.updateInterest(peer);
  }

  private nextPiecesInOrder(peer: TorrentPeer, count: number): number[] {
    const picker = this.picker!;
    const pieceCount = this.metainfo!.pieceCount;
    while (this.sequentialCursor < pieceCount && picker.have(this.sequentialCursor))
      this.sequentialCursor++;
    const out: number[] = [];
    for (let i = this.sequentialCursor; i < pieceCount && out.length < count; i++) {
      if (!picker.have(i) && (peer.has === 'all' || peer.has!.get(i))) out.push(i);
    }
    return out;
  }

  private onBlock(peer: TorrentPeer, index: number, begin: number, data: Buffer): void {
    const picker = this.picker;
    const m = this.metainfo;
    if (!picker || !m) return;
    const block: BlockRequest = { index, begin, length: data.length };
    const result = picker.blockReceived(peer.key, block);
    if (result.wanted) {
      this.sessionDownloaded += data.length;
      this.downloadMeter.add(data.length);
      let asm = this.assemblies.get(index);
      if (!asm) {
        const size = pieceSize(m, index);
        asm = {
          buffer: this.bufferPool!.take(size),
          senders: new Array(Math.ceil(size / BLOCK_SIZE)).fill(undefined),
        };
        this.assemblies.set(index, asm);
      }
      data.copy(asm.buffer, begin);
      asm.senders[Math.floor(begin / BLOCK_SIZE)] = peer.banKey;
      for (const other of result.cancelFrom) {
        if (other === peer.key) continue;
        this.connections.get(other)?.conn.cancel(block);
      }
      if (result.pieceComplete) this.finishPiece(index, asm);
    }
    this.fillRequests(peer);
  }

  private finishPiece(index: number, asm: Assembly): void {
    const picker = this.picker!;
    this.assemblies.delete(index);
    // Counted from now: pieces being hashed or written hold memory, and the cap applies to both.
    this.pendingWriteBytes += asm.buffer.length;
    void this.host.hasher
      .hash(asm.buffer)
      .then((r) => {
        asm.buffer = r.data;
        if (this.picker !== picker || this.stopped) {
          this.pendingWriteBytes -= asm.buffer.length;
          return;
        }
        if (r.lost) {
          this.pendingWriteBytes -= asm.buffer.length;
          picker.pieceFailed(index);
          this.fillAll();
          return;
        }
        this.afterHash(index, asm, r.digest.equals(pieceHash(this.metainfo!, index)));
      })
      .catch((err: Error) => this.fail(err));
  }

  private afterHash(index: number, asm: Assembly, ok: boolean): void {
    const m = this.metainfo!;
    const picker = this.picker!;
    if (!ok) {
      this.pendingWriteBytes -= asm.buffer.length;
      picker.pieceFailed(index);
      for (const key of this.failures.pieceFailed(index, asm.buffer, asm.senders))
        this.banPeers(key);
      this.emit('hash-failure', index);
      this.fillAll();
      return;
    }
    for (const key of this.failures.piecePassed(index, asm.buffer)) this.banPeers(key);
    const storage = this.storage!;
    const written = storage.write(index * m.pieceLength, asm.buffer).then(
      () => {
        this.pendingWriteBytes -= asm.buffer.length;
        this.bufferPool?.give(asm.buffer);
        if (this.picker !== picker || this.stopped) return;
        picker.pieceVerified(index);
        this.resumeWriter.markDirty(asm.buffer.length);
        if (this.resumeWriter.due()) void this.flushResume().catch((err: Error) => this.fail(err));
        for (const p of this.connections.values()) {
          if (!p.ready) continue;
          if (p.has !== 'all' && !(p.has && p.has.get(index))) p.conn.send({ type: 'have', index });
        }
        this.emit('piece', index);
        if (picker.isComplete()) this.onComplete();
        else this.fillAll();
      },
      (err: Error) => {
        this.pendingWriteBytes -= asm.buffer.length;
        if (this.stopped) return;
        this.fail(new EngineError('STORAGE', `cannot write piece ${index}: ${err.message}`));
      },
    );
    this.writesInFlight.add(written);
    void written.finally(() => this.writesInFlight.delete(written));
  }

  private banPeers(banKey: string): void {
    for (const p of this.connections.values())
      if (p.banKey === banKey) p.conn.close('banned: sent corrupt data');
    this.emit('ban', banKey);
  }

  private onComplete(): void {
    if (this.state !== 'downloading') return;
    this.setState('seeding');
    this.completedThisSession = true;
    this.announcer?.complete();
    for (const p of [...this.connections.values()]) {
      if (!p.ready) continue;
      if (this.isSeed(p)) p.conn.close('both seeds');
      else if (p.conn.amInterested) p.conn.send({ type: 'not-interested' });
    }
    this.resumeWriter.markDirty();
    void this.flushResume().then(
      () => this.emit('done'),
      (err: Error) => this.fail(err),
    );
  }

  get completedInThisSession(): boolean {
    return this.completedThisSession;
  }

  // ---------------------------------------------------------------- uploading

  private scheduleRechoke(): void {
    if (this.chokeScheduled) return;
    this.chokeScheduled = true;
    setImmediate(() => {
      this.chokeScheduled = false;
      this.rechoke();
    });
  }

  private rechoke(): void {
    this.lastChokeAt = Date.now();
    if (!this.isActive()) return;
    const ready = [...this.connections.values()].filter((p) => p.ready);
    const unchoke = this.choker.decide(
      ready.map((p) => ({
        id: p.key,
        interested: p.conn.peerInterested,
        downloadRate: p.conn.downloadMeter.rate(),
        uploadRate: p.conn.uploadMeter.rate(),
      })),
      this.state === 'seeding',
    );
    for (const p of ready) {
      const conn = p.conn;
      if (unchoke.has(p.key)) {
        if (conn.amChoking) conn.send({ type: 'unchoke' });
      } else if (!conn.amChoking) {
        conn.send({ type: 'choke' });
        this.blockServer.choked(p);
      }
    }
  }

  // ---------------------------------------------------------------- metadata (BEP 9)

  private onMetadataMessage(peer: TorrentPeer, payload: Buffer): void {
    const result = this.metadataExchange.onMessage(peer, payload, this.metainfo?.info);
    if (result === 'bad') this.emit('metadata-failure');
    else if (result && !this.metainfo) void this.onMetadata(result);
  }

  private async onMetadata(info: Buffer): Promise<void> {
    try {
      const trackers = this.magnet?.trackers ?? [];
      const metainfo = parseInfoDictionary(info, {
        announce: trackers[0],
        announceList: trackers.map((t) => [t]),
        urlList: this.magnet?.webSeeds ?? [],
      });
      if (metainfo.infoHash !== this.infoHash)
        throw new EngineError('BAD_METADATA', 'metadata does not match the info hash');
      this.metainfo = metainfo;
      this.metadataExchange.finished();
      await this.host.resumeStore
        .saveTorrentFile(this.infoHash, torrentFileBytes(info, metainfo.announceList))
        .catch(() => undefined);
      this.emit('metadata', metainfo);
      if (this.stopped) return;
      await this.prepare(false);
      if (this.stopped || this.state === 'paused') return;
      this.setState(this.picker!.isComplete() ? 'seeding' : 'downloading');
      // Peers that spoke before we could size bitfields: replay what they told us.
      for (const p of this.connections.values()) {
        if (!p.ready) continue;
        p.has = new Bitfield(metainfo.pieceCount);
        this.guard(p, () => {
          p.conn.setPieceCount(metainfo.pieceCount);
          if (p.early.all) this.onHaveAll(p);
          else if (p.early.bitfield) this.onBitfield(p, p.early.bitfield);
          for (const i of p.early.haves) this.onHave(p, i);
          this.updateInterest(p);
          // A bitfield may only follow the handshake: what we already hold goes out as haves.
          for (let i = 0; i < metainfo.pieceCount; i++)
            if (this.picker!.have(i)) p.conn.send({ type: 'have', index: i });
        });
        p.early = { haves: [] };
      }
      if (this.picker!.isComplete()) this.onComplete();
      this.fillAll();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  // ---------------------------------------------------------------- resume

  private flushResume(): Promise<void> {
    return this.resumeWriter.flush();
  }
}
