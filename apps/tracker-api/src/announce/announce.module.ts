import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { HealthModule } from '../health/health.module.js';
import { SwarmModule } from '../swarm/swarm.module.js';
import { TorrentsModule } from '../torrents/torrents.module.js';
import { AnnounceService } from './announce.service.js';

/**
 * /announce and /scrape are served from Node's HTTP server ahead of Express (attachTrackerRoutes),
 * not by a Nest controller: see tracker-routes.ts.
 */
@Module({
  imports: [SwarmModule, TorrentsModule, CompletionsModule, HealthModule],
  providers: [AnnounceService],
  exports: [AnnounceService],
})
export class AnnounceModule {}
