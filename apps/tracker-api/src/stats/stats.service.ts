import { Injectable } from '@nestjs/common';
import { CompletionLog } from '../completions/completion-log.js';
import { SwarmRegistry } from '../swarm/swarm-registry.js';
import { CatalogIndex } from '../torrents/catalog-index.js';

export interface TrackerStats {
  torrents: number;
  peers: number;
  seeders: number;
  leechers: number;
  completions: number;
}

@Injectable()
export class StatsService {
  constructor(
    private readonly catalog: CatalogIndex,
    private readonly swarms: SwarmRegistry,
    private readonly completions: CompletionLog,
  ) {}

  async stats(): Promise<TrackerStats> {
    const totals = this.swarms.totals();
    return {
      torrents: this.catalog.size,
      peers: totals.peers,
      seeders: totals.seeders,
      leechers: totals.leechers,
      completions: await this.completions.total(),
    };
  }
}
