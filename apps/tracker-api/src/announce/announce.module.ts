import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { HealthModule } from '../health/health.module.js';
import { SwarmModule } from '../swarm/swarm.module.js';
import { TorrentsModule } from '../torrents/torrents.module.js';
import { AnnounceController } from './announce.controller.js';
import { AnnounceService } from './announce.service.js';

@Module({
  imports: [SwarmModule, TorrentsModule, CompletionsModule, HealthModule],
  controllers: [AnnounceController],
  providers: [AnnounceService],
})
export class AnnounceModule {}
