import type { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = `info_hash, peer_id, ip, port, uploaded, downloaded, "left", paused, key, last_announce`;

/**
 * The peers mirror is keyed by a row id the tracker assigns in memory, in increasing order,
 * instead of (info_hash, peer_id). With that composite key every new peer was an insert at a
 * random place in a large B-tree (its autoindex), which dirtied a different page per row: at
 * 10,000 new peers a second the write-behind flush cost about 17 µs of CPU per row, mostly
 * writing those pages to the WAL. New peers now append at the end of the table (about 6 µs a
 * row); updates and deletes find their row by id. No index on (info_hash, peer_id) is needed:
 * the table is only ever read whole, at start.
 */
export class PeersByRowId1764400000000 implements MigrationInterface {
  name = 'PeersByRowId1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE peers_by_row (
      id INTEGER PRIMARY KEY NOT NULL,
      info_hash TEXT NOT NULL,
      peer_id TEXT NOT NULL,
      ip TEXT NOT NULL,
      port INTEGER NOT NULL,
      uploaded INTEGER NOT NULL,
      downloaded INTEGER NOT NULL,
      "left" INTEGER NOT NULL,
      paused BOOLEAN NOT NULL DEFAULT 0,
      key TEXT,
      last_announce INTEGER NOT NULL
    )`);
    await q.query(`INSERT INTO peers_by_row (${COLUMNS}) SELECT ${COLUMNS} FROM peers`);
    await q.query(`DROP TABLE peers`);
    await q.query(`ALTER TABLE peers_by_row RENAME TO peers`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE peers_by_key (
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
    // Ordered by id, so the latest row of a peer is the one kept.
    await q.query(
      `INSERT OR REPLACE INTO peers_by_key (${COLUMNS}) SELECT ${COLUMNS} FROM peers ORDER BY id`,
    );
    await q.query(`DROP TABLE peers`);
    await q.query(`ALTER TABLE peers_by_key RENAME TO peers`);
  }
}
