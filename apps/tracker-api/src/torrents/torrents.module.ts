import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { CompletionsModule } from '../completions/completions.module.js';
import { TRACKER_CONFIG, type TrackerConfig } from '../config/tracker-config.js';
import { HealthModule } from '../health/health.module.js';
import { SwarmModule } from '../swarm/swarm.module.js';
import { CatalogIndex } from './catalog-index.js';
import { TorrentCatalog } from './torrent-catalog.service.js';
import { TorrentsController } from './torrents.controller.js';

@Module({
  imports: [
    SwarmModule,
    CompletionsModule,
    HealthModule,
    // Held in memory (a .torrent is small) and cut off at the configured size with a 413.
    MulterModule.registerAsync({
      inject: [TRACKER_CONFIG],
      useFactory: (config: TrackerConfig) => ({
        limits: {
          fileSize: config.maxTorrentSize,
          files: 1,
          fields: 10,
          fieldSize: 64 * 1024,
          parts: 12,
        },
      }),
    }),
  ],
  controllers: [TorrentsController],
  providers: [CatalogIndex, TorrentCatalog],
  exports: [CatalogIndex],
})
export class TorrentsModule {}
