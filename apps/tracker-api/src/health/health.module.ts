import { Module } from '@nestjs/common';
import { SwarmModule } from '../swarm/swarm.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { TrackerMetrics } from './tracker-metrics.js';

@Module({
  imports: [SwarmModule],
  controllers: [HealthController],
  providers: [HealthService, TrackerMetrics],
  exports: [TrackerMetrics],
})
export class HealthModule {}
