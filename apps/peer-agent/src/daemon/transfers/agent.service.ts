import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuplicateTorrentError, torrentFileBytes } from '@swarmhub/engine';
import type { Session, Torrent } from '@swarmhub/engine';
import {
  MetainfoError,
  createTorrent,
  magnetFromMetainfo,
  parseMagnet,
  parseMetainfo,
} from '@swarmhub/metainfo';
import type { Magnet, Metainfo } from '@swarmhub/metainfo';
import type {
  CreateTorrentRequest,
  CreateTorrentResponse,
  Limits,
  Settings,
  Transfer,
  TransferDetail,
} from '@swarmhub/api-types';
import { AgentError } from '../agent-error.js';
import type { PathPolicy } from '../security/path-policy.js';
import type { StateStore, TransferRecord } from '../state/state-store.js';
import { MAX_TORRENT_FILE_BYTES, fetchTorrentFile } from './fetch-torrent.js';
import { publishToCatalog } from './publish.js';
import { TransferEvents } from './transfer-events.js';

/** What a request to add a transfer carries: exactly one source, plus options. */
export interface AddTransferInput {
  torrent?: Uint8Array;
  magnet?: string;
  url?: string;
  saveDir?: string;
  paused?: boolean;
}

export interface AgentServiceOptions {
  session: Session;
  store: StateStore;
  paths: PathPolicy;
  downloadDir: string;
  version: string;
  log?: (message: string) => void;
}

/** How often active transfers report their (changing) rates even without engine events. */
const TICK_MS = 1000;

/**
 * The one facade over the engine: the HTTP handlers and (through the HTTP client) the CLI use
 * only this. It keeps the engine and the durable state in step: every acknowledged change is on
 * disk before the caller hears of it.
 */
export class AgentService {
  readonly events: TransferEvents;
  private readonly session: Session;
  private readonly store: StateStore;
  private readonly paths: PathPolicy;
  private readonly log: (message: string) => void;
  private readonly detach = new Map<string, () => void>();
  /** Stored transfers the engine could not take back at start, with the reason; listed as errors. */
  private readonly unrestored = new Map<string, string>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly options: AgentServiceOptions) {
    this.session = options.session;
    this.store = options.store;
    this.paths = options.paths;
    this.log = options.log ?? (() => undefined);
    this.events = new TransferEvents((hash) => this.findTransfer(hash));
  }

  get version(): string {
    return this.options.version;
  }

  get peerPort(): number {
    return this.session.peerPort;
  }

  /** Re-adds every stored transfer to the engine (at start) and starts the periodic updates. */
  async restore(): Promise<void> {
    const settings = this.store.settings();
    this.session.setLimits(engineLimits(settings));
    for (const record of [...this.store.transfers()]) {
      try {
        const torrent = await this.addToEngine(record, await this.sourceOf(record));
        this.applyLimits(torrent, record.limits);
      } catch (err) {
        // One unusable transfer must not keep the others from starting. Its record stays and it is
        // listed as an error, so the user sees it and can remove it.
        const reason = `could not be restored: ${(err as Error).message}`;
        this.unrestored.set(record.infoHash, reason);
        this.log(`${record.infoHash} ${reason}`);
      }
    }
    this.ticker = setInterval(() => {
      for (const torrent of this.session.torrents()) {
        const state = torrent.stats().state;
        if (state !== 'paused' && state !== 'error') this.events.changed(torrent.infoHash);
      }
    }, TICK_MS);
    this.ticker.unref();
  }

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    for (const off of this.detach.values()) off();
    this.detach.clear();
    this.events.close();
    await this.session.close();
  }

  health() {
    return { ok: true as const, version: this.version, peerPort: this.peerPort };
  }

  list(): Transfer[] {
    const unrestored = [...this.unrestored.keys()].map((hash) => this.unrestoredTransfer(hash));
    return [...this.session.torrents().map((t) => this.toTransfer(t)), ...unrestored];
  }

  get(infoHash: string): TransferDetail {
    const hash = infoHash.toLowerCase();
    if (this.unrestored.has(hash) && !this.session.getTorrent(hash)) {
      const record = this.store.get(hash);
      return {
        ...this.unrestoredTransfer(hash),
        files: [],
        bitfield: '',
        inProgress: '',
        peers: [],
        trackers: [],
        uploadRateLimit: record?.limits.uploadRateLimit ?? 0,
        downloadRateLimit: record?.limits.downloadRateLimit ?? 0,
        maxConnections: record?.limits.maxConnections ?? 0,
      };
    }
    const torrent = this.require(infoHash);
    const record = this.store.get(torrent.infoHash);
    return {
      ...this.toTransfer(torrent),
      files: torrent.files(),
      bitfield: torrent.bitfield().toString('base64'),
      inProgress: torrent.inProgressBitfield().toString('base64'),
      peers: torrent.peers(),
      trackers: torrent.trackers(),
      uploadRateLimit: record?.limits.uploadRateLimit ?? 0,
      downloadRateLimit: record?.limits.downloadRateLimit ?? 0,
      maxConnections: record?.limits.maxConnections ?? 0,
    };
  }

  /** Adds a transfer; a duplicate answers with the existing one (`created: false`). */
  async add(input: AddTransferInput): Promise<{ created: boolean; transfer: Transfer }> {
    const sources = [input.torrent, input.magnet, input.url].filter((s) => s !== undefined);
    if (sources.length !== 1) {
      throw new AgentError(
        'BAD_INPUT',
        'give exactly one of: a .torrent file (torrent), a magnet link (magnet), a .torrent address (url)',
      );
    }
    const saveDir = await this.paths.resolveMaybeMissing(
      input.saveDir ?? this.options.downloadDir,
      'saveDir',
    );
    let torrentBytes: Buffer | undefined;
    let source: { metainfo: Metainfo } | { magnet: Magnet; uri: string };
    if (input.magnet !== undefined) {
      source = { magnet: parseInput(() => parseMagnet(input.magnet!)), uri: input.magnet };
    } else {
      torrentBytes =
        input.torrent !== undefined
          ? Buffer.from(input.torrent)
          : await fetchTorrentFile(input.url!);
      const bytes = torrentBytes;
      source = {
        metainfo: parseInput(() => parseMetainfo(bytes, { maxSize: MAX_TORRENT_FILE_BYTES })),
      };
    }
    const infoHash = 'metainfo' in source ? source.metainfo.infoHash : source.magnet.infoHash;
    const existing = this.session.getTorrent(infoHash);
    if (existing) return { created: false, transfer: this.toTransfer(existing) };

    await mkdir(saveDir, { recursive: true });
    const record: TransferRecord = {
      infoHash,
      source: 'magnet' in source ? { kind: 'magnet', magnet: source.uri } : { kind: 'torrent' },
      saveDir,
      paused: input.paused ?? false,
      limits: {},
      addedAt: new Date().toISOString(),
    };
    let torrent: Torrent;
    try {
      torrent = await this.addToEngine(
        record,
        'metainfo' in source ? { metainfo: source.metainfo } : { magnet: source.magnet },
      );
    } catch (err) {
      if (err instanceof DuplicateTorrentError) {
        return { created: false, transfer: this.toTransfer(err.torrent) };
      }
      throw err;
    }
    await this.store.add(record, torrentBytes);
    this.events.changed(infoHash);
    return { created: true, transfer: this.toTransfer(torrent) };
  }

  async pause(infoHash: string): Promise<Transfer> {
    const torrent = this.require(infoHash);
    await torrent.pause();
    await this.store.update(torrent.infoHash, (r) => {
      r.paused = true;
    });
    this.events.changed(torrent.infoHash);
    return this.toTransfer(torrent);
  }

  async resume(infoHash: string): Promise<Transfer> {
    const torrent = this.require(infoHash);
    await torrent.resume();
    await this.store.update(torrent.infoHash, (r) => {
      r.paused = false;
    });
    this.events.changed(torrent.infoHash);
    return this.toTransfer(torrent);
  }

  async recheck(infoHash: string): Promise<Transfer> {
    const torrent = this.require(infoHash);
    await torrent.recheck();
    this.events.changed(torrent.infoHash);
    return this.toTransfer(torrent);
  }

  async remove(infoHash: string, deleteData: boolean): Promise<void> {
    const lower = infoHash.toLowerCase();
    if (this.unrestored.has(lower) && !this.session.getTorrent(lower)) {
      if (deleteData) {
        throw new AgentError(
          'CONFLICT',
          'this transfer could not be loaded, so its files are unknown: remove it without deleteData and delete its data by hand',
        );
      }
      await this.store.remove(lower);
      this.unrestored.delete(lower);
      this.events.removed(lower);
      return;
    }
    const torrent = this.require(infoHash);
    const hash = torrent.infoHash;
    this.detach.get(hash)?.();
    this.detach.delete(hash);
    await this.session.removeTorrent(hash, { deleteData });
    await this.store.remove(hash);
    this.events.removed(hash);
  }

  async setTransferLimits(infoHash: string, limits: Limits): Promise<TransferDetail> {
    const torrent = this.require(infoHash);
    this.applyLimits(torrent, limits);
    await this.store.update(torrent.infoHash, (r) => {
      r.limits = { ...r.limits, ...definedOnly(limits) };
    });
    return this.get(torrent.infoHash);
  }

  settings(): Settings {
    return this.store.settings();
  }

  async setSettings(change: Limits): Promise<Settings> {
    const settings = { ...this.store.settings(), ...definedOnly(change) };
    this.session.setLimits(engineLimits(settings));
    await this.store.setSettings(settings);
    return settings;
  }

  /** Creates a torrent from a local path, starts seeding it, and optionally publishes it. */
  async create(request: CreateTorrentRequest): Promise<CreateTorrentResponse> {
    const path = await this.paths.resolveExisting(request.path, 'path');
    const { torrent: torrentBytes, metainfo } = await parseInputAsync(() =>
      createTorrent(path, {
        trackers: request.trackers,
        private: request.private,
        comment: request.comment,
        pieceLength: request.pieceLength,
        createdBy: `Swarmhub peer-agent ${this.version}`,
      }),
    );
    // Published before seeding starts: a tracker in "listed" mode refuses announces for torrents
    // its catalog does not have, and the first announce would otherwise be wasted.
    let published: { url: string } | undefined;
    let publishError: unknown;
    if (request.publishTo !== undefined) {
      try {
        published = await publishToCatalog(request.publishTo, torrentBytes, metainfo, request);
      } catch (err) {
        publishError = err;
      }
    }
    // The data is where it was hashed: the torrent's root (file or folder) is `path` itself.
    const saveDir = dirname(path);
    let torrent = this.session.getTorrent(metainfo.infoHash);
    if (!torrent) {
      const record: TransferRecord = {
        infoHash: metainfo.infoHash,
        source: { kind: 'torrent' },
        saveDir,
        paused: false,
        limits: {},
        addedAt: new Date().toISOString(),
      };
      try {
        torrent = await this.addToEngine(record, { metainfo }, true);
        await this.store.add(record, torrentBytes);
      } catch (err) {
        if (!(err instanceof DuplicateTorrentError)) throw err;
        torrent = err.torrent;
      }
      this.events.changed(metainfo.infoHash);
    }
    // Seeding goes ahead even when publishing failed; the error says so.
    if (publishError !== undefined) throw publishError;
    return {
      infoHash: metainfo.infoHash,
      magnet: magnetFromMetainfo(metainfo),
      transfer: this.toTransfer(torrent),
      ...(published ? { published } : {}),
    };
  }

  private async sourceOf(
    record: TransferRecord,
  ): Promise<{ metainfo: Metainfo } | { magnet: Magnet }> {
    const bytes = await this.store.loadTorrentFile(record.infoHash);
    if (bytes) return { metainfo: parseMetainfo(bytes, { maxSize: MAX_TORRENT_FILE_BYTES }) };
    if (record.source.kind === 'magnet') return { magnet: parseMagnet(record.source.magnet) };
    throw new Error(`its .torrent file is missing from the data directory`);
  }

  private async addToEngine(
    record: TransferRecord,
    source: { metainfo: Metainfo } | { magnet: Magnet },
    skipCheck = false,
  ): Promise<Torrent> {
    const torrent = await this.session.addTorrent({
      ...source,
      saveDir: record.saveDir,
      paused: record.paused,
      ...(skipCheck ? { skipCheck } : {}),
    });
    this.watch(torrent, record);
    return torrent;
  }

  private watch(torrent: Torrent, record: TransferRecord): void {
    const hash = torrent.infoHash;
    const changed = () => this.events.changed(hash);
    const onMetadata = () => {
      changed();
      if (record.source.kind === 'magnet' && torrent.metainfo) {
        const bytes = torrentFileFromMetadata(torrent.metainfo, record.source.magnet);
        this.store.storeMetadata(hash, bytes).catch((err: Error) => {
          this.log(`could not store the metadata of ${hash}: ${err.message}`);
        });
      }
    };
    const onError = (err: Error) => {
      this.log(`transfer ${hash}: ${err.message}`);
      changed();
    };
    torrent.on('metadata', onMetadata);
    torrent.on('state', changed);
    torrent.on('piece', changed);
    torrent.on('done', changed);
    torrent.on('error', onError);
    this.detach.set(hash, () => {
      torrent.off('metadata', onMetadata);
      torrent.off('state', changed);
      torrent.off('piece', changed);
      torrent.off('done', changed);
      torrent.off('error', onError);
    });
  }

  private applyLimits(torrent: Torrent, limits: Limits): void {
    const defined = definedOnly(limits);
    if (Object.keys(defined).length > 0) torrent.setLimits(defined);
  }

  private require(infoHash: string): Torrent {
    const torrent = this.session.getTorrent(infoHash.toLowerCase());
    if (torrent) return torrent;
    const reason = this.unrestored.get(infoHash.toLowerCase());
    if (reason) throw new AgentError('CONFLICT', `this transfer ${reason}; it can only be removed`);
    throw notFound(infoHash);
  }

  private unrestoredTransfer(infoHash: string): Transfer {
    const record = this.store.get(infoHash);
    return {
      infoHash,
      name: infoHash,
      totalLength: 0,
      state: 'error',
      progress: 0,
      downloaded: 0,
      uploaded: 0,
      downloadRate: 0,
      uploadRate: 0,
      peers: 0,
      seeds: 0,
      eta: null,
      ratio: 0,
      piecesDone: 0,
      pieceCount: 0,
      error: this.unrestored.get(infoHash),
      saveDir: record?.saveDir ?? '',
      addedAt: record?.addedAt ?? new Date(0).toISOString(),
      paused: record?.paused ?? false,
    };
  }

  private findTransfer(infoHash: string): Transfer | undefined {
    const torrent = this.session.getTorrent(infoHash);
    return torrent ? this.toTransfer(torrent) : undefined;
  }

  private toTransfer(torrent: Torrent): Transfer {
    const record = this.store.get(torrent.infoHash);
    const stats = torrent.stats();
    return {
      ...stats,
      saveDir: record?.saveDir ?? torrent.saveDir,
      addedAt: record?.addedAt ?? new Date(0).toISOString(),
      paused: record?.paused ?? stats.state === 'paused',
    };
  }
}

function notFound(infoHash: string): AgentError {
  return new AgentError('NOT_FOUND', `no transfer with info hash ${infoHash}`);
}

function definedOnly(limits: Limits): Limits {
  const out: Limits = {};
  if (limits.uploadRateLimit !== undefined) out.uploadRateLimit = limits.uploadRateLimit;
  if (limits.downloadRateLimit !== undefined) out.downloadRateLimit = limits.downloadRateLimit;
  if (limits.maxConnections !== undefined) out.maxConnections = limits.maxConnections;
  return out;
}

/** What "0 = default" means for the agent-wide connection cap (the engine's own default). */
export const DEFAULT_MAX_CONNECTIONS = 200;

function engineLimits(settings: Settings) {
  return {
    uploadRateLimit: settings.uploadRateLimit,
    downloadRateLimit: settings.downloadRateLimit,
    // Passed even when 0, so that going back to the default undoes an earlier cap.
    maxConnections: settings.maxConnections > 0 ? settings.maxConnections : DEFAULT_MAX_CONNECTIONS,
  };
}

function parseInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof MetainfoError) throw new AgentError('BAD_INPUT', err.message);
    throw err;
  }
}

async function parseInputAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof MetainfoError) throw new AgentError('BAD_INPUT', err.message);
    throw err;
  }
}

/**
 * A .torrent for a transfer added by magnet, once its info dictionary is known: the raw info
 * bytes kept as they are (so the info hash cannot change) and the magnet's trackers.
 */
function torrentFileFromMetadata(metainfo: Metainfo, magnetUri: string): Buffer {
  const trackers = parseMagnet(magnetUri).trackers;
  return torrentFileBytes(metainfo.info, trackers.length > 0 ? [trackers] : []);
}
