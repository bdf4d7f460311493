import type { DataSourceOptions } from 'typeorm';
import { CompletionEventEntity } from '../completions/completion-event.entity.js';
import { PeerEntity } from '../swarm/peer.entity.js';
import { TorrentFileEntity } from '../torrents/torrent-file.entity.js';
import { TorrentEntity } from '../torrents/torrent.entity.js';
import { InitialSchema1764316800000 } from './migrations/1764316800000-initial-schema.js';
import { PeersByRowId1764400000000 } from './migrations/1764400000000-peers-by-row-id.js';

export function trackerDataSourceOptions(databasePath: string): DataSourceOptions {
  return {
    type: 'sqlite',
    database: databasePath,
    entities: [TorrentEntity, TorrentFileEntity, PeerEntity, CompletionEventEntity],
    migrations: [InitialSchema1764316800000, PeersByRowId1764400000000],
    migrationsRun: true,
    synchronize: false,
    // WAL lets catalog reads go on while the peer batches are written.
    enableWAL: true,
    busyTimeout: 5000,
    logging: false,
  };
}
