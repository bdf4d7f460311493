import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764316800000 implements MigrationInterface {
  name = 'InitialSchema1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE torrents (
      info_hash TEXT PRIMARY KEY NOT NULL,
      title TEXT NOT NULL,
      description TEXT,
      category TEXT,
      tags TEXT NOT NULL DEFAULT '[]',
      name TEXT NOT NULL,
      total_size INTEGER NOT NULL,
      piece_length INTEGER NOT NULL,
      piece_count INTEGER NOT NULL,
      file_count INTEGER NOT NULL,
      private BOOLEAN NOT NULL DEFAULT 0,
      created_by TEXT,
      comment TEXT,
      creation_date INTEGER,
      trackers TEXT NOT NULL DEFAULT '[]',
      uploaded_at INTEGER NOT NULL,
      completed INTEGER NOT NULL DEFAULT 0,
      torrent_data BLOB NOT NULL
    )`);
    await q.query(`CREATE INDEX idx_torrents_uploaded_at ON torrents (uploaded_at)`);
    await q.query(`CREATE INDEX idx_torrents_category ON torrents (category)`);
    await q.query(`CREATE INDEX idx_torrents_total_size ON torrents (total_size)`);
    await q.query(`CREATE INDEX idx_torrents_completed ON torrents (completed)`);
    await q.query(`CREATE INDEX idx_torrents_name ON torrents (name COLLATE NOCASE)`);
    await q.query(`CREATE TABLE torrent_files (
      info_hash TEXT NOT NULL REFERENCES torrents (info_hash) ON DELETE CASCADE,
      file_index INTEGER NOT NULL,
      path TEXT NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY (info_hash, file_index)
    )`);
    await q.query(`CREATE TABLE peers (
      info_hash TEXT NOT NULL,
      peer_id TEXT NOT NULL,
      ip TEXT NOT NULL,
      port INTEGER NOT NULL,
      uploaded INTEGER NOT NULL,
      downloaded INTEGER NOT NULL,
      "left" INTEGER NOT NULL,
      paused BOOLEAN NOT NULL DEFAULT 0,
      key TEXT,
      last_announce INTEGER NOT NULL,
      PRIMARY KEY (info_hash, peer_id)
    )`);
    await q.query(`CREATE TABLE completion_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
      info_hash TEXT NOT NULL,
      peer_id TEXT NOT NULL,
      ip TEXT NOT NULL,
      at INTEGER NOT NULL
    )`);
    await q.query(
      `CREATE INDEX idx_completion_events_hash_at ON completion_events (info_hash, at)`,
    );
    // Kept in step with `torrents` by the catalog service inside the same transaction (the file
    // names live in another table, so a trigger on `torrents` alone could not fill `files`).
    // Each row takes the rowid of its torrent, and searches join on it.
    await q.query(`CREATE VIRTUAL TABLE torrents_fts USING fts5(
      info_hash UNINDEXED, title, name, files, tags, tokenize = 'unicode61 remove_diacritics 2'
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE torrents_fts`);
    await q.query(`DROP TABLE completion_events`);
    await q.query(`DROP TABLE peers`);
    await q.query(`DROP TABLE torrent_files`);
    await q.query(`DROP TABLE torrents`);
  }
}
