import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { SwarmModule } from '../swarm/swarm.module.js';
import { TorrentsModule } from '../torrents/torrents.module.js';
import { StatsController } from './stats.controller.js';
import { StatsService } from './stats.service.js';

@Module({
  imports: [TorrentsModule, SwarmModule, CompletionsModule],
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
