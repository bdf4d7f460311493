import { Injectable } from '@nestjs/common';
import { WriteQueue } from '../database/write-queue.js';
import { DataSource } from 'typeorm';
import { SwarmRegistry } from '../swarm/swarm-registry.js';

export type CompletionBucket = 'hour' | 'day';

export interface CompletionPoint {
  at: string;
  count: number;
}

const BUCKET_MS: Record<CompletionBucket, number> = { hour: 3_600_000, day: 86_400_000 };
/** A chart's worth: one week of hours, one year of days. */
const MAX_POINTS: Record<CompletionBucket, number> = { hour: 168, day: 365 };

/** Completion events: written durably before the `completed` announce is answered. */
@Injectable()
export class CompletionLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly registry: SwarmRegistry,
  ) {}

  async record(infoHash: string, peerIdHex: string, ip: string, at: number): Promise<void> {
    await this.writes.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO completion_events (info_hash, peer_id, ip, at) VALUES (?, ?, ?, ?)`,
        [infoHash, peerIdHex, ip, at],
      );
      await manager.query(`UPDATE torrents SET completed = completed + 1 WHERE info_hash = ?`, [
        infoHash,
      ]);
    });
    this.registry.countCompletion(infoHash);
  }

  async total(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM completion_events`);
    return Number(row.n);
  }

  /**
   * Counts per UTC hour or day, with empty buckets filled in, from the first event (at most a
   * chart's worth back) up to now.
   */
  async series(
    infoHash: string,
    bucket: CompletionBucket,
    now = Date.now(),
  ): Promise<CompletionPoint[]> {
    const size = BUCKET_MS[bucket];
    const last = Math.floor(now / size) * size;
    const earliest = last - (MAX_POINTS[bucket] - 1) * size;
    const rows: Array<{ b: number; n: number }> = await this.dataSource.query(
      `SELECT (at / ?) * ? AS b, COUNT(*) AS n FROM completion_events
       WHERE info_hash = ? AND at >= ? GROUP BY b ORDER BY b`,
      [size, size, infoHash, earliest],
    );
    if (rows.length === 0) return [];
    const counts = new Map(rows.map((r) => [Number(r.b), Number(r.n)]));
    const points: CompletionPoint[] = [];
    for (
      let b = Number(rows[0].b);
      b <= Math.max(last, Number(rows[rows.length - 1].b));
      b += size
    ) {
      points.push({ at: new Date(b).toISOString(), count: counts.get(b) ?? 0 });
    }
    return points;
  }

  async forget(infoHash: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM completion_events WHERE info_hash = ?`, [infoHash]);
  }
}
