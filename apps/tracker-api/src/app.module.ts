import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AnnounceModule } from './announce/announce.module.js';
import { TRACKER_CONFIG, type TrackerConfig } from './config/tracker-config.js';
import { DatabaseModule } from './database/database.module.js';
import { trackerDataSourceOptions } from './database/data-source-options.js';
import { HealthModule } from './health/health.module.js';
import { StatsModule } from './stats/stats.module.js';
import { TorrentsModule } from './torrents/torrents.module.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: TrackerConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: TRACKER_CONFIG, useValue: config }],
      exports: [TRACKER_CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: TrackerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(trackerDataSourceOptions(config.databasePath)),
        DatabaseModule,
        HealthModule,
        AnnounceModule,
        TorrentsModule,
        StatsModule,
      ],
    };
  }
}
