import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { trackerDataSourceOptions } from '../src/database/data-source-options.js';
import { InitialSchema1764316800000 } from '../src/database/migrations/1764316800000-initial-schema.js';
import { PeerStore } from '../src/swarm/peer-store.js';
import { SwarmRegistry } from '../src/swarm/swarm-registry.js';
import {
  announce,
  binaryParam,
  compactPeers,
  failureOf,
  hashOf,
  makeTempDir,
  peerIdOf,
  startTestTracker,
  trackerGet,
  type TestTracker,
} from './helpers.js';

describe('announce (open mode)', () => {
  let tracker: TestTracker;
  beforeAll(async () => {
    tracker = await startTestTracker({ mode: 'open' });
  });
  afterAll(() => tracker.dispose());

  test('answers compact peers as 6-byte entries of other peers, byte for byte', async () => {
    const infoHash = hashOf('compact');
    const first = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('A'),
      port: 6001,
      event: 'started',
    });
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/plain/);
    // A lone peer never receives itself.
    expect(first.body.toString('latin1')).toBe(
      'd8:completei0e10:incompletei1e8:intervali1800e12:min intervali60e5:peers0:e',
    );
    const second = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('B'),
      port: 6002,
      event: 'started',
    });
    const expectedPeers = Buffer.from([127, 0, 0, 1, 0x17, 0x71]); // 127.0.0.1:6001
    expect(second.body).toEqual(
      Buffer.concat([
        Buffer.from(
          'd8:completei0e10:incompletei2e8:intervali1800e12:min intervali60e5:peers6:',
          'latin1',
        ),
        expectedPeers,
        Buffer.from('e'),
      ]),
    );
  });

  test('answers a list of dictionaries when compact=0, without peer ids on no_peer_id=1', async () => {
    const infoHash = hashOf('dict');
    await announce(tracker, { infoHash, peerId: peerIdOf('A'), port: 7001 });
    const answer = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('B'),
      port: 7002,
      compact: '0',
    });
    expect(answer.dict.peers).toEqual([
      { ip: Buffer.from('127.0.0.1'), 'peer id': peerIdOf('A'), port: 7001 },
    ]);
    const bare = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('C'),
      port: 7003,
      compact: '0',
      noPeerId: true,
      numwant: 10,
    });
    const peers = bare.dict.peers as Array<Record<string, unknown>>;
    expect(peers).toHaveLength(2);
    for (const peer of peers) expect(Object.keys(peer).sort()).toEqual(['ip', 'port']);
  });

  test('caps numwant at 200 and defaults to 50', async () => {
    const infoHash = hashOf('crowd');
    for (let i = 0; i < 230; i++) {
      await announce(tracker, { infoHash, peerId: peerIdOf(`crowd-${i}`), port: 10000 + i });
    }
    const many = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('asker'),
      port: 9999,
      numwant: 1000,
    });
    const manyPeers = compactPeers(many.dict.peers);
    expect(manyPeers).toHaveLength(200);
    expect(new Set(manyPeers).size).toBe(200);
    expect(manyPeers).not.toContain('127.0.0.1:9999');
    const usual = await announce(tracker, { infoHash, peerId: peerIdOf('asker'), port: 9999 });
    expect(compactPeers(usual.dict.peers)).toHaveLength(50);
    expect(usual.dict.incomplete).toBe(231);
  });

  test('gives a seeder only leechers, and a leecher both', async () => {
    const infoHash = hashOf('seeders');
    await announce(tracker, { infoHash, peerId: peerIdOf('S1'), port: 8001, left: 0 });
    await announce(tracker, { infoHash, peerId: peerIdOf('S2'), port: 8002, left: 0 });
    await announce(tracker, { infoHash, peerId: peerIdOf('L1'), port: 8003, left: 5 });
    const seeder = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('S1'),
      port: 8001,
      left: 0,
    });
    expect(compactPeers(seeder.dict.peers)).toEqual(['127.0.0.1:8003']);
    expect(seeder.dict.complete).toBe(2);
    expect(seeder.dict.incomplete).toBe(1);
    const leecher = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('L1'),
      port: 8003,
      left: 5,
    });
    expect(compactPeers(leecher.dict.peers).sort()).toEqual(['127.0.0.1:8001', '127.0.0.1:8002']);
  });

  test('treats a BEP 21 paused peer like a seeder', async () => {
    const infoHash = hashOf('paused');
    await announce(tracker, {
      infoHash,
      peerId: peerIdOf('P'),
      port: 8101,
      left: 50,
      event: 'paused',
    });
    const answer = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('Q'),
      port: 8102,
      left: 50,
    });
    expect(answer.dict.complete).toBe(1);
    expect(answer.dict.incomplete).toBe(1);
  });

  test('removes a peer at once on stopped', async () => {
    const infoHash = hashOf('stopping');
    await announce(tracker, { infoHash, peerId: peerIdOf('A'), port: 6101 });
    await announce(tracker, { infoHash, peerId: peerIdOf('B'), port: 6102 });
    const stopped = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('A'),
      port: 6101,
      event: 'stopped',
    });
    expect(stopped.dict.peers).toEqual(Buffer.alloc(0));
    const other = await announce(tracker, { infoHash, peerId: peerIdOf('B'), port: 6102 });
    expect(compactPeers(other.dict.peers)).toEqual([]);
    expect(other.dict.incomplete).toBe(1);
  });

  test('records a completion event durably before answering completed', async () => {
    const infoHash = hashOf('finishing');
    await announce(tracker, {
      infoHash,
      peerId: peerIdOf('F'),
      port: 6201,
      left: 10,
      event: 'started',
    });
    const done = await announce(tracker, {
      infoHash,
      peerId: peerIdOf('F'),
      port: 6201,
      left: 0,
      event: 'completed',
    });
    expect(done.dict.complete).toBe(1);
    const rows = await tracker.app
      .get(DataSource)
      .query('SELECT info_hash, peer_id, ip FROM completion_events WHERE info_hash = ?', [
        infoHash.toString('hex'),
      ]);
    expect(rows).toEqual([
      {
        info_hash: infoHash.toString('hex'),
        peer_id: peerIdOf('F').toString('hex'),
        ip: '127.0.0.1',
      },
    ]);
    // A repeated `completed` from a peer already known complete is not a new download.
    await announce(tracker, {
      infoHash,
      peerId: peerIdOf('F'),
      port: 6201,
      left: 0,
      event: 'completed',
    });
    const scrape = await trackerGet(`${tracker.url}/scrape?info_hash=${binaryParam(infoHash)}`);
    expect(scrape.dict).toEqual({
      files: { [infoHash.toString('latin1')]: { complete: 1, incomplete: 0, downloaded: 1 } },
    });
  });

  test('records every completion when many arrive at once', async () => {
    const infoHash = hashOf('stampede');
    const peers = Array.from({ length: 25 }, (_, i) => peerIdOf(`st-${i}`));
    await Promise.all(
      peers.map((peerId, i) => announce(tracker, { infoHash, peerId, port: 20000 + i, left: 10 })),
    );
    const answers = await Promise.all(
      peers.map((peerId, i) =>
        announce(tracker, { infoHash, peerId, port: 20000 + i, left: 0, event: 'completed' }),
      ),
    );
    expect(answers.map(failureOf).filter((f) => f !== undefined)).toEqual([]);
    const scrape = await trackerGet(`${tracker.url}/scrape?info_hash=${binaryParam(infoHash)}`);
    expect(scrape.dict).toEqual({
      files: { [infoHash.toString('latin1')]: { complete: 25, incomplete: 0, downloaded: 25 } },
    });
    const [{ n }] = await tracker.app
      .get(DataSource)
      .query('SELECT COUNT(*) AS n FROM completion_events WHERE info_hash = ?', [
        infoHash.toString('hex'),
      ]);
    expect(n).toBe(25);
  });

  test('keeps binary info hashes exact, including bytes that are not UTF-8', async () => {
    const infoHash = Buffer.from('00ff2526262b3d3f80c3fffe0d0a20e2ac9f90ab', 'hex');
    await announce(tracker, { infoHash, peerId: Buffer.from('ff'.repeat(20), 'hex'), port: 6301 });
    const scrape = await trackerGet(`${tracker.url}/scrape?info_hash=${binaryParam(infoHash)}`);
    const files = scrape.dict.files as Record<string, unknown>;
    expect(Object.keys(files).map((k) => Buffer.from(k, 'latin1').toString('hex'))).toEqual([
      infoHash.toString('hex'),
    ]);
    // Unreserved bytes may also arrive unescaped: the same hash, written half literally.
    const mixed = 'info_hash=%00%ff%25%26%26%2b%3d%3f%80%c3%ff%fe%0d%0a%20%e2%ac%9f%90%ab';
    const again = await trackerGet(`${tracker.url}/scrape?${mixed}`);
    expect(again.dict).toEqual(scrape.dict);
    const raw = Buffer.from('abcdefghij0123456789');
    await announce(tracker, { infoHash: raw, peerId: peerIdOf('R'), port: 6302 });
    const literal = await trackerGet(`${tracker.url}/scrape?info_hash=abcdefghij0123456789`);
    expect(literal.dict).toEqual({
      files: { abcdefghij0123456789: { complete: 0, incomplete: 1, downloaded: 0 } },
    });
  });

  test('scrapes several info hashes at once', async () => {
    const a = hashOf('scrape-a');
    const b = hashOf('scrape-b');
    const none = hashOf('scrape-none');
    await announce(tracker, { infoHash: a, peerId: peerIdOf('1'), left: 0 });
    await announce(tracker, { infoHash: a, peerId: peerIdOf('2') });
    await announce(tracker, { infoHash: b, peerId: peerIdOf('3') });
    const answer = await trackerGet(
      `${tracker.url}/scrape?info_hash=${binaryParam(a)}&info_hash=${binaryParam(b)}&info_hash=${binaryParam(none)}`,
    );
    expect(answer.dict).toEqual({
      files: {
        [a.toString('latin1')]: { complete: 1, incomplete: 1, downloaded: 0 },
        [b.toString('latin1')]: { complete: 0, incomplete: 1, downloaded: 0 },
        [none.toString('latin1')]: { complete: 0, incomplete: 0, downloaded: 0 },
      },
    });
  });

  const good = `info_hash=${binaryParam(hashOf('x'))}&peer_id=${binaryParam(peerIdOf('p'))}`;
  const failures: Array<[string, string, string]> = [
    [
      'no info_hash',
      `peer_id=${binaryParam(peerIdOf('p'))}&port=1&uploaded=0&downloaded=0&left=0`,
      'missing info_hash',
    ],
    [
      'short info_hash',
      `info_hash=abc&peer_id=${binaryParam(peerIdOf('p'))}&port=1&uploaded=0&downloaded=0&left=0`,
      'info_hash must be 20 bytes, got 3',
    ],
    [
      'two info_hash',
      `${good}&info_hash=${binaryParam(hashOf('y'))}&port=1&uploaded=0&downloaded=0&left=0`,
      'info_hash given more than once',
    ],
    [
      'no peer_id',
      `info_hash=${binaryParam(hashOf('x'))}&port=1&uploaded=0&downloaded=0&left=0`,
      'missing peer_id',
    ],
    [
      'long peer_id',
      `info_hash=${binaryParam(hashOf('x'))}&peer_id=${'a'.repeat(21)}&port=1&uploaded=0&downloaded=0&left=0`,
      'peer_id must be 20 bytes, got 21',
    ],
    ['no port', `${good}&uploaded=0&downloaded=0&left=0`, 'missing port'],
    [
      'port 0',
      `${good}&port=0&uploaded=0&downloaded=0&left=0`,
      'port must be an integer from 1 to 65535',
    ],
    [
      'port too big',
      `${good}&port=70000&uploaded=0&downloaded=0&left=0`,
      'port must be an integer from 1 to 65535',
    ],
    [
      'port not a number',
      `${good}&port=http&uploaded=0&downloaded=0&left=0`,
      'port must be a non-negative integer',
    ],
    ['no left', `${good}&port=1&uploaded=0&downloaded=0`, 'missing left'],
    [
      'negative uploaded',
      `${good}&port=1&uploaded=-5&downloaded=0&left=0`,
      'uploaded must be a non-negative integer',
    ],
    [
      'bad downloaded',
      `${good}&port=1&uploaded=0&downloaded=1e9&left=0`,
      'downloaded must be a non-negative integer',
    ],
    [
      'bad event',
      `${good}&port=1&uploaded=0&downloaded=0&left=0&event=finished`,
      'event must be started, stopped, completed, paused or empty',
    ],
    [
      'bad numwant',
      `${good}&port=1&uploaded=0&downloaded=0&left=0&numwant=lots`,
      'numwant must be a non-negative integer',
    ],
    [
      'broken escape',
      `info_hash=%zz${binaryParam(hashOf('x')).slice(3)}&peer_id=x`,
      'malformed percent-encoding in info_hash',
    ],
    [
      'truncated escape',
      `${good}&port=1&uploaded=0&downloaded=0&left=0&key=%4`,
      'malformed percent-encoding in key',
    ],
    [
      'too many parameters',
      `${good}${'&a=1'.repeat(40)}`,
      'query string has more than 32 parameters',
    ],
    ['empty query', '', 'missing info_hash'],
  ];
  test.each(failures)('answers %s with a bencoded failure reason', async (_name, query, reason) => {
    const answer = await trackerGet(`${tracker.url}/announce?${query}`);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(failureOf(answer)).toBe(reason);
    expect(Object.keys(answer.dict)).toEqual(['failure reason']);
  });

  test('answers a query string over the length limit with a failure, not a crash', async () => {
    const answer = await trackerGet(`${tracker.url}/announce?${good}&key=${'k'.repeat(5000)}`);
    expect(failureOf(answer)).toBe('query string is longer than 4096 characters');
    const health = await fetch(`${tracker.url}/health`);
    expect(health.status).toBe(200);
  });

  test('answers bad scrapes with failure reasons', async () => {
    expect(failureOf(await trackerGet(`${tracker.url}/scrape`))).toBe(
      'scrape needs at least one info_hash',
    );
    expect(failureOf(await trackerGet(`${tracker.url}/scrape?info_hash=short`))).toBe(
      'info_hash must be 20 bytes, got 5',
    );
    const tooMany = Array.from(
      { length: 101 },
      (_, i) => `info_hash=${binaryParam(hashOf(`m${i}`))}`,
    ).join('&');
    expect(failureOf(await trackerGet(`${tracker.url}/scrape?${tooMany}`))).toBe(
      'scrape takes at most 100 info_hash values',
    );
  });

  test('ignores X-Forwarded-For from a client that is not a trusted proxy, and the ip parameter', async () => {
    const infoHash = hashOf('spoof');
    await announce(
      tracker,
      { infoHash, peerId: peerIdOf('spoofer'), port: 6401, ip: '198.51.100.7' },
      { 'X-Forwarded-For': '203.0.113.9' },
    );
    const answer = await announce(tracker, { infoHash, peerId: peerIdOf('other'), port: 6402 });
    expect(compactPeers(answer.dict.peers)).toEqual(['127.0.0.1:6401']);
  });

  test('drops peers silent for two intervals plus the grace period', async () => {
    const infoHash = hashOf('expiring');
    await announce(tracker, { infoHash, peerId: peerIdOf('old'), port: 6501 });
    const registry = tracker.app.get(SwarmRegistry);
    const ttl = (2 * 1800 + 120) * 1000;
    expect(registry.expire(Date.now() + ttl - 5000)).toBe(0);
    expect(registry.counts(infoHash.toString('hex')).leechers).toBe(1);
    expect(registry.expire(Date.now() + ttl + 5000)).toBeGreaterThanOrEqual(1);
    expect(registry.counts(infoHash.toString('hex')).leechers).toBe(0);
    const answer = await announce(tracker, { infoHash, peerId: peerIdOf('new'), port: 6502 });
    expect(compactPeers(answer.dict.peers)).toEqual([]);
  });
});

describe('announce behind a trusted proxy', () => {
  let tracker: TestTracker;
  beforeAll(async () => {
    tracker = await startTestTracker({ mode: 'open', trustedProxies: ['127.0.0.1'] });
  });
  afterAll(() => tracker.dispose());

  test('takes the client address from X-Forwarded-For, and puts IPv6 peers in peers6', async () => {
    const infoHash = hashOf('proxied');
    await announce(
      tracker,
      { infoHash, peerId: peerIdOf('v4'), port: 6601 },
      { 'X-Forwarded-For': '203.0.113.5' },
    );
    await announce(
      tracker,
      { infoHash, peerId: peerIdOf('v6'), port: 6602 },
      { 'X-Forwarded-For': '198.51.100.1, 2001:db8::1' },
    );
    const answer = await announce(
      tracker,
      { infoHash, peerId: peerIdOf('asker'), port: 6603 },
      { 'X-Forwarded-For': '192.0.2.44' },
    );
    expect(compactPeers(answer.dict.peers)).toEqual(['203.0.113.5:6601']);
    expect(answer.dict.peers6).toEqual(
      Buffer.concat([
        Buffer.from('20010db8000000000000000000000001', 'hex'),
        Buffer.from([0x19, 0xca]),
      ]),
    );
    const dict = await announce(
      tracker,
      { infoHash, peerId: peerIdOf('asker'), port: 6603, compact: '0', noPeerId: true },
      { 'X-Forwarded-For': '192.0.2.44' },
    );
    expect(dict.dict.peers).toEqual(
      expect.arrayContaining([
        { ip: Buffer.from('203.0.113.5'), port: 6601 },
        { ip: Buffer.from('2001:db8::1'), port: 6602 },
      ]),
    );
  });

  test('will not let a second address take over a peer id without its key', async () => {
    const infoHash = hashOf('hijack');
    await announce(
      tracker,
      { infoHash, peerId: peerIdOf('owner'), port: 6701, key: 'k1' },
      { 'X-Forwarded-For': '203.0.113.20' },
    );
    const thief = await announce(
      tracker,
      { infoHash, peerId: peerIdOf('owner'), port: 6701 },
      { 'X-Forwarded-For': '203.0.113.21' },
    );
    expect(failureOf(thief)).toBe('peer_id is in use from another address; send the same key');
    const moved = await announce(
      tracker,
      { infoHash, peerId: peerIdOf('owner'), port: 6701, key: 'k1' },
      { 'X-Forwarded-For': '203.0.113.22' },
    );
    expect(failureOf(moved)).toBeUndefined();
    const other = await announce(
      tracker,
      { infoHash, peerId: peerIdOf('x'), port: 6702 },
      { 'X-Forwarded-For': '203.0.113.30' },
    );
    expect(compactPeers(other.dict.peers)).toEqual(['203.0.113.22:6701']);
  });
});

describe('announce with the ip parameter allowed', () => {
  test('uses the ip parameter only when configured', async () => {
    const tracker = await startTestTracker({ mode: 'open', allowIpParam: true });
    try {
      const infoHash = hashOf('ip-param');
      await announce(tracker, { infoHash, peerId: peerIdOf('a'), port: 6801, ip: '198.51.100.7' });
      const answer = await announce(tracker, { infoHash, peerId: peerIdOf('b'), port: 6802 });
      expect(compactPeers(answer.dict.peers)).toEqual(['198.51.100.7:6801']);
    } finally {
      await tracker.dispose();
    }
  });
});

describe('listed mode', () => {
  test('refuses announces and omits scrapes for info hashes not in the catalog', async () => {
    const tracker = await startTestTracker({ mode: 'listed' });
    try {
      const answer = await announce(tracker, {
        infoHash: hashOf('unknown'),
        peerId: peerIdOf('a'),
      });
      expect(failureOf(answer)).toBe('torrent is not registered with this tracker');
      const scrape = await trackerGet(
        `${tracker.url}/scrape?info_hash=${binaryParam(hashOf('unknown'))}`,
      );
      expect(scrape.dict).toEqual({ files: {} });
    } finally {
      await tracker.dispose();
    }
  });
});

/** Rows read straight from a stopped tracker's database file. */
async function queryDatabase(dir: string, sql: string): Promise<unknown[]> {
  const db = new DataSource({ type: 'sqlite', database: join(dir, 'data', 'tracker.sqlite') });
  await db.initialize();
  try {
    return (await db.query(sql)) as unknown[];
  } finally {
    await db.destroy();
  }
}

describe('restart', () => {
  test('a database written before peers had row ids is migrated and its swarms restored', async () => {
    const dir = makeTempDir();
    const options = trackerDataSourceOptions(join(dir, 'data', 'tracker.sqlite'));
    mkdirSync(join(dir, 'data'));
    const old = new DataSource({ ...options, migrations: [InitialSchema1764316800000] });
    await old.initialize();
    const infoHash = hashOf('before row ids');
    const now = Date.now();
    for (const [label, port, left] of [
      ['old seed', 7101, 0],
      ['old leech', 7102, 5],
    ] as const) {
      await old.query(
        `INSERT INTO peers (info_hash, peer_id, ip, port, uploaded, downloaded, "left", paused, key, last_announce)
         VALUES (?, ?, '127.0.0.1', ?, 0, 0, ?, 0, NULL, ?)`,
        [infoHash.toString('hex'), peerIdOf(label).toString('hex'), port, left, now],
      );
    }
    await old.destroy();
    const tracker = await startTestTracker({ mode: 'open' }, dir);
    try {
      const answer = await announce(tracker, { infoHash, peerId: peerIdOf('new'), port: 7109 });
      expect(answer.dict.complete).toBe(1);
      expect(answer.dict.incomplete).toBe(2);
      expect(compactPeers(answer.dict.peers).sort()).toEqual(['127.0.0.1:7101', '127.0.0.1:7102']);
      // New rows continue after the migrated ones instead of colliding with them.
      await tracker.app.get(PeerStore).flush();
      const ids = (await tracker.app
        .get(DataSource)
        .query('SELECT id FROM peers ORDER BY id')) as Array<{ id: number }>;
      expect(ids.map((r) => r.id)).toEqual([1, 2, 3]);
    } finally {
      await tracker.dispose();
    }
  });

  test('the peers mirror follows peers that are saved, stopped, and stop and return between flushes', async () => {
    const first = await startTestTracker({ mode: 'open', peerFlushMs: 3_600_000 });
    const store = first.app.get(PeerStore);
    const infoHash = hashOf('mirror');
    const seen = { infoHash, left: 10 };
    await announce(first, { ...seen, peerId: peerIdOf('stays'), port: 7001 });
    await announce(first, { ...seen, peerId: peerIdOf('stops'), port: 7002 });
    await announce(first, { ...seen, peerId: peerIdOf('returns'), port: 7003 });
    await store.flush();
    // Written before: one is removed, one leaves and comes back on another port before the
    // next flush (a new row, and the old row must still be deleted).
    await announce(first, { ...seen, peerId: peerIdOf('stops'), port: 7002, event: 'stopped' });
    await announce(first, { ...seen, peerId: peerIdOf('returns'), port: 7003, event: 'stopped' });
    await announce(first, { ...seen, peerId: peerIdOf('returns'), port: 7004 });
    await announce(first, { ...seen, peerId: peerIdOf('stays'), port: 7005 });
    await first.close();
    const rows = await queryDatabase(first.dir, 'SELECT peer_id, port FROM peers ORDER BY port');
    expect(rows).toEqual([
      { peer_id: peerIdOf('returns').toString('hex'), port: 7004 },
      { peer_id: peerIdOf('stays').toString('hex'), port: 7005 },
    ]);
    const second = await startTestTracker({ mode: 'open' }, first.dir);
    try {
      const answer = await announce(second, { infoHash, peerId: peerIdOf('newcomer'), port: 7009 });
      expect(compactPeers(answer.dict.peers).sort()).toEqual(['127.0.0.1:7004', '127.0.0.1:7005']);
    } finally {
      await second.dispose();
    }
  });

  test('restores swarms and completion counts from the database', async () => {
    const first = await startTestTracker({ mode: 'open' });
    const infoHash = hashOf('persistent');
    await announce(first, { infoHash, peerId: peerIdOf('seed'), port: 6901, left: 0 });
    await announce(first, { infoHash, peerId: peerIdOf('leech'), port: 6902, left: 10 });
    await announce(first, {
      infoHash,
      peerId: peerIdOf('leech'),
      port: 6902,
      left: 0,
      event: 'completed',
    });
    await announce(first, { infoHash, peerId: peerIdOf('gone'), port: 6903, left: 10 });
    await announce(first, {
      infoHash,
      peerId: peerIdOf('gone'),
      port: 6903,
      left: 10,
      event: 'stopped',
    });
    await first.close();
    const second = await startTestTracker({ mode: 'open' }, first.dir);
    try {
      const scrape = await trackerGet(`${second.url}/scrape?info_hash=${binaryParam(infoHash)}`);
      expect(scrape.dict).toEqual({
        files: { [infoHash.toString('latin1')]: { complete: 2, incomplete: 0, downloaded: 1 } },
      });
      const answer = await announce(second, { infoHash, peerId: peerIdOf('newcomer'), port: 6904 });
      expect(compactPeers(answer.dict.peers).sort()).toEqual(['127.0.0.1:6901', '127.0.0.1:6902']);
    } finally {
      await second.dispose();
    }
  });
});
