import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TrackerMetrics } from '../health/tracker-metrics.js';

/**
 * The info hashes in the catalog, held in memory so that a `listed`-mode announce can be
 * checked without touching SQLite.
 */
@Injectable()
export class CatalogIndex implements OnModuleInit {
  private readonly hashes = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: TrackerMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    const rows: Array<{ info_hash: string }> = await this.dataSource.query(
      `SELECT info_hash FROM torrents`,
    );
    for (const row of rows) this.hashes.add(row.info_hash);
    this.metrics.catalogTorrents.set(this.hashes.size);
  }

  has(infoHash: string): boolean {
    return this.hashes.has(infoHash);
  }

  add(infoHash: string): void {
    this.hashes.add(infoHash);
    this.metrics.catalogTorrents.set(this.hashes.size);
  }

  delete(infoHash: string): void {
    this.hashes.delete(infoHash);
    this.metrics.catalogTorrents.set(this.hashes.size);
  }

  get size(): number {
    return this.hashes.size;
  }
}
