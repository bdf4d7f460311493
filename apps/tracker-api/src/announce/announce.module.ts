import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { HealthModule } from '../health/health.module.js';
import { SwarmModule } from '../swarm/swarm.module.js';
import { TorrentsModule } from '../torrents/torrents.module.js';
import { AnnounceService } from './announce.service.js';

/** /announce and /scrape are attached to the HTTP server by attachTrackerRoutes, not a controller. */
@Module({
  imports: [SwarmModule, TorrentsModule, CompletionsModule, HealthModule],
  providers: [AnnounceService],
  exports: [AnnounceService],
})
export class AnnounceModule {}
