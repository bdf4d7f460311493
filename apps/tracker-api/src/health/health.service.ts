import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TrackerMetrics } from './tracker-metrics.js';

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly dataSource: DataSource,
    private readonly trackerMetrics: TrackerMetrics,
  ) {}

  async check(): Promise<{ status: 'ok'; database: 'ok'; uptimeSeconds: number }> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw new ServiceUnavailableException(`database is not answering: ${String(error)}`);
    }
    return {
      status: 'ok',
      database: 'ok',
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
    };
  }

  metrics(): Promise<string> {
    return this.trackerMetrics.registry.metrics();
  }
}
