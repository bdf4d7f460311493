import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { SwarmRegistry } from '../swarm/swarm-registry.js';

/** Prometheus metrics of one tracker instance (its own registry, so tests can run several). */
@Injectable()
export class TrackerMetrics {
  readonly registry = new Registry();
  readonly announces: Counter<'event' | 'result'>;
  readonly scrapes: Counter<'result'>;
  readonly uploads: Counter<'result'>;
  readonly catalogTorrents: Gauge;

  constructor(swarms: SwarmRegistry) {
    const registers = [this.registry];
    this.announces = new Counter({
      name: 'tracker_announces_total',
      help: 'Announce requests by event and outcome',
      labelNames: ['event', 'result'],
      registers,
    });
    this.scrapes = new Counter({
      name: 'tracker_scrapes_total',
      help: 'Scrape requests by outcome',
      labelNames: ['result'],
      registers,
    });
    this.uploads = new Counter({
      name: 'tracker_uploads_total',
      help: 'Torrent uploads by outcome',
      labelNames: ['result'],
      registers,
    });
    const totals = (pick: (t: ReturnType<SwarmRegistry['totals']>) => number) =>
      function (this: Gauge) {
        this.set(pick(swarms.totals()));
      };
    new Gauge({
      name: 'tracker_peers',
      help: 'Peers in all swarms',
      registers,
      collect: totals((t) => t.peers),
    });
    new Gauge({
      name: 'tracker_seeders',
      help: 'Seeders in all swarms',
      registers,
      collect: totals((t) => t.seeders),
    });
    new Gauge({
      name: 'tracker_leechers',
      help: 'Leechers in all swarms',
      registers,
      collect: totals((t) => t.leechers),
    });
    new Gauge({
      name: 'tracker_swarms',
      help: 'Info hashes with at least one peer',
      registers,
      collect: totals((t) => t.torrents),
    });
    this.catalogTorrents = new Gauge({
      name: 'tracker_catalog_torrents',
      help: 'Torrents in the catalog',
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
