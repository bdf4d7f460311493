import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { WriteQueue } from '../database/write-queue.js';
import { DataSource } from 'typeorm';
import { TRACKER_CONFIG, type TrackerConfig } from '../config/tracker-config.js';
import { peerEndpoint } from './peer-address.js';
import { isSeeding, type SwarmPeer } from './swarm.js';
import { SwarmRegistry, type PeerChange } from './swarm-registry.js';

interface PeerRow {
  info_hash: string;
  peer_id: string;
  ip: string;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  paused: number;
  key: string | null;
  last_announce: number;
}

// 10 bound values per row keeps a batch well under SQLite's limit of 32,766 variables.
const ROWS_PER_STATEMENT = 500;

/**
 * Writes the swarms behind the announces, in batches, and reads them back at start so a restart
 * keeps every swarm. It also runs the expiry sweep.
 */
@Injectable()
export class PeerStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PeerStore.name);
  private flushTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly registry: SwarmRegistry,
    @Inject(TRACKER_CONFIG) private readonly config: TrackerConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.restore(Date.now());
    this.flushTimer = setInterval(() => void this.flush(), this.config.peerFlushMs);
    this.flushTimer.unref();
    const sweepMs = Math.min(this.config.interval * 1000, 60_000);
    this.expiryTimer = setInterval(() => this.registry.expire(Date.now()), sweepMs);
    this.expiryTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.expiryTimer);
    await this.flush();
  }

  /** Writes every change since the last flush in one transaction; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const changes = this.registry.takeChanges();
      if (changes.length === 0) return;
      try {
        await this.write(changes);
      } catch (error) {
        this.logger.error(`writing ${changes.length} peer changes failed: ${String(error)}`);
      }
    });
    return this.flushing;
  }

  private async write(changes: PeerChange[]): Promise<void> {
    const upserts: unknown[][] = [];
    const deletes: unknown[][] = [];
    for (const change of changes) {
      const peerIdHex = Buffer.from(change.peerId, 'latin1').toString('hex');
      const p = change.peer;
      if (p === null) deletes.push([change.infoHash, peerIdHex]);
      else {
        upserts.push([
          change.infoHash,
          peerIdHex,
          p.ip,
          p.port,
          p.uploaded,
          p.downloaded,
          p.left,
          p.paused ? 1 : 0,
          p.key,
          p.lastAnnounce,
        ]);
      }
    }
    await this.writes.transaction(async (manager) => {
      for (let i = 0; i < deletes.length; i += ROWS_PER_STATEMENT) {
        const batch = deletes.slice(i, i + ROWS_PER_STATEMENT);
        await manager.query(
          `DELETE FROM peers WHERE (info_hash, peer_id) IN (VALUES ${batch.map(() => '(?, ?)').join(', ')})`,
          batch.flat(),
        );
      }
      for (let i = 0; i < upserts.length; i += ROWS_PER_STATEMENT) {
        const batch = upserts.slice(i, i + ROWS_PER_STATEMENT);
        await manager.query(
          `INSERT OR REPLACE INTO peers (info_hash, peer_id, ip, port, uploaded, downloaded, "left", paused, key, last_announce) VALUES ${batch
            .map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
            .join(', ')}`,
          batch.flat(),
        );
      }
    });
  }

  private async restore(now: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM peers WHERE last_announce < ?`, [
      now - this.registry.peerTtlMs,
    ]);
    const rows: PeerRow[] = await this.dataSource.query(`SELECT * FROM peers`);
    const peers: Array<{ infoHash: string; peer: SwarmPeer }> = [];
    for (const row of rows) {
      const endpoint = peerEndpoint(row.ip);
      if (endpoint === null) continue;
      const paused = row.paused === 1;
      peers.push({
        infoHash: row.info_hash,
        peer: {
          peerId: Buffer.from(row.peer_id, 'hex').toString('latin1'),
          ...endpoint,
          port: row.port,
          uploaded: row.uploaded,
          downloaded: row.downloaded,
          left: row.left,
          paused,
          key: row.key,
          lastAnnounce: row.last_announce,
          slot: 0,
          seeding: isSeeding(row.left, paused),
        },
      });
    }
    const completedRows: Array<{ info_hash: string; n: number }> = await this.dataSource.query(
      `SELECT info_hash, COUNT(*) AS n FROM completion_events GROUP BY info_hash`,
    );
    this.registry.restore(peers, new Map(completedRows.map((r) => [r.info_hash, r.n])));
  }
}
