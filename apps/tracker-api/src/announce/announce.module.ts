import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { HealthModule } from '../health/health.module.js';
import { SwarmModule } from '../swarm/swarm.module.js';
import { TorrentsModule } from '../torrents/torrents.module.js';
import { AnnounceService } from './announce.service.js';
import { TrackerFrontDoor } from './tracker-front-door.js';

/**
 * /announce and /scrape are served on the raw connection (TrackerFrontDoor) and, for connections
 * handed to Node's HTTP server, ahead of Express (attachTrackerRoutes): not by a Nest controller.
 */
@Module({
  imports: [SwarmModule, TorrentsModule, CompletionsModule, HealthModule],
  providers: [AnnounceService, TrackerFrontDoor],
  exports: [AnnounceService, TrackerFrontDoor],
})
export class AnnounceModule {}
