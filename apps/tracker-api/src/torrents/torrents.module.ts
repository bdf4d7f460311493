import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { HealthModule } from '../health/health.module.js';
import { SwarmModule } from '../swarm/swarm.module.js';
import { CatalogIndex } from './catalog-index.js';

@Module({
  imports: [SwarmModule, CompletionsModule, HealthModule],
  providers: [CatalogIndex],
  exports: [CatalogIndex],
})
export class TorrentsModule {}
