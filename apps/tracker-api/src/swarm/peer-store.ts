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
  id: number;
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

/**
 * Rows go to SQLite as one JSON text per statement, unpacked by json_each on SQLite's side.
 * Binding ten values per row from JS cost about 4 µs a row on the event loop (node-sqlite3
 * converts each value through N-API), i.e. some 40 ms of blocked announces per second at
 * 10,000 announces/s; JSON.stringify is one native call, and the unpacking runs on the
 * thread that executes the statement. A chunk bounds the text (about 150 bytes a row) and
 * how long building it holds the event loop (about 1 ms).
 */
const ROWS_PER_STATEMENT = 1000;

const UPSERT_JSON = `INSERT OR REPLACE INTO peers
  (id, info_hash, peer_id, ip, port, uploaded, downloaded, "left", paused, key, last_announce)
  SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6,
    value->>7, value->>8, value->>9, value->>10
  FROM json_each(?)`;

const DELETE_JSON = `DELETE FROM peers WHERE id IN (SELECT value FROM json_each(?))`;

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
      const deletes: number[] = [];
      const upserts: PeerChange[] = [];
      for (const change of changes) {
        if (change.peer === null) deletes.push(change.row);
        else upserts.push(change);
      }
      try {
        await this.writes.transaction(async (manager) => {
          for (let i = 0; i < deletes.length; i += ROWS_PER_STATEMENT) {
            const json = JSON.stringify(deletes.slice(i, i + ROWS_PER_STATEMENT));
            await manager.query(DELETE_JSON, [json]);
          }
          // Each chunk's JSON is made just before its statement, so the event loop is held for
          // one chunk at a time (about 1 µs a row), not for the whole second's worth at once.
          for (let i = 0; i < upserts.length; i += ROWS_PER_STATEMENT) {
            const json = upsertJson(upserts, i, Math.min(i + ROWS_PER_STATEMENT, upserts.length));
            await manager.query(UPSERT_JSON, [json]);
          }
        });
      } catch (error) {
        this.logger.error(`writing ${changes.length} peer changes failed: ${String(error)}`);
      }
    });
    return this.flushing;
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
          row: row.id,
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

/** Rows start..end of the upserts as a JSON array of arrays, in UPSERT_JSON's column order. */
function upsertJson(upserts: PeerChange[], start: number, end: number): string {
  const rows: unknown[][] = [];
  for (let i = start; i < end; i++) {
    const { row, infoHash, peer: p } = upserts[i];
    if (p === null) continue;
    rows.push([
      row,
      infoHash,
      Buffer.from(p.peerId, 'latin1').toString('hex'),
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
  return JSON.stringify(rows);
}
