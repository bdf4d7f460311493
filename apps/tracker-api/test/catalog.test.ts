import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decode, type BDict } from '@swarmhub/bencode';
import { parseMetainfo } from '@swarmhub/metainfo';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { testWithTools } from '../../../test-support/tools.js';
import {
  announce,
  binaryParam,
  failureOf,
  makeTempDir,
  peerIdOf,
  startTestTracker,
  trackerGet,
  type TestTracker,
} from './helpers.js';
import { handmadeTorrent, mktorrent } from './torrent-files.js';

const test = testWithTools('mktorrent');
const ADMIN = 'admin-token-for-tests-0123456789';

describe('torrent catalog (listed mode)', () => {
  let tracker: TestTracker;
  let work: string;
  beforeAll(async () => {
    tracker = await startTestTracker({ mode: 'listed' });
    work = makeTempDir('tracker-torrents-');
  });
  afterAll(async () => {
    await tracker.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  const upload = (file: Buffer, fields: Record<string, string> = {}, fileName = 'x.torrent') => {
    let req = request(tracker.url).post('/api/v1/torrents').attach('torrent', file, fileName);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req;
  };

  test('accepts a real .torrent with 201, serves it back byte for byte, and starts tracking it', async () => {
    const file = mktorrent(
      work,
      'Debian Netinst',
      { 'images/netinst.iso': Buffer.alloc(100_000, 7), 'README.txt': 'read me' },
      {
        comment: 'weekly build',
      },
    );
    const meta = parseMetainfo(file);
    const res = await upload(file, {
      title: 'Debian netinst',
      description: 'installer',
      category: 'linux',
      tags: 'ISO, debian ,iso',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      infoHash: meta.infoHash,
      title: 'Debian netinst',
      name: 'Debian Netinst',
      category: 'linux',
      tags: ['iso', 'debian'],
      totalSize: 100_007,
      pieceLength: 32768,
      pieceCount: 4,
      fileCount: 2,
      private: false,
      seeders: 0,
      leechers: 0,
      completed: 0,
      description: 'installer',
      comment: 'weekly build',
      torrentUrl: `/api/v1/torrents/${meta.infoHash}/torrent`,
    });
    expect(res.body.createdBy).toMatch(/mktorrent/);
    // mktorrent lists files in its own order; the catalog keeps the file's order.
    expect(res.body.files).toEqual(
      meta.files.map((f) => ({ path: f.path.join('/'), size: f.length })),
    );
    expect(
      [...res.body.files].sort((a: { path: string }, b: { path: string }) =>
        a.path < b.path ? -1 : 1,
      ),
    ).toEqual([
      { path: 'Debian Netinst/README.txt', size: 7 },
      { path: 'Debian Netinst/images/netinst.iso', size: 100_000 },
    ]);
    expect(new Date(res.body.uploadedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const download = await request(tracker.url)
      .get(`/api/v1/torrents/${meta.infoHash}/torrent`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/x-bittorrent');
    expect(download.headers['content-disposition']).toContain('filename="Debian Netinst.torrent"');
    expect(Buffer.compare(download.body as Buffer, file)).toBe(0);
    const infoBytes = (decode(download.body as Buffer) as BDict).info;
    expect(infoBytes).toBeDefined();
    expect(createHash('sha1').update(meta.info).digest('hex')).toBe(meta.infoHash);

    const magnet = await request(tracker.url).get(`/api/v1/torrents/${meta.infoHash}/magnet`);
    expect(magnet.body).toEqual({
      magnet: `magnet:?xt=urn:btih:${meta.infoHash}&dn=Debian%20Netinst&xl=100007&tr=${encodeURIComponent('http://127.0.0.1:6969/announce')}`,
    });

    // Listed mode: the catalogued torrent can now be announced.
    const answer = await announce(tracker, {
      infoHash: meta.infoHashBytes,
      peerId: peerIdOf('p1'),
    });
    expect(failureOf(answer)).toBeUndefined();
    const detail = await request(tracker.url).get(
      `/api/v1/torrents/${meta.infoHash.toUpperCase()}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.leechers).toBe(1);

    const again = await upload(file);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `torrent ${meta.infoHash} is already in the catalog`,
      infoHash: meta.infoHash,
      existing: `/api/v1/torrents/${meta.infoHash}`,
    });
  });

  test('lists and counts only the real files of a torrent with BEP 47 padding, at its whole length', async () => {
    const file = readFileSync(
      join(
        import.meta.dirname,
        '../../../libs/metainfo/test/fixtures/libtorrent-hybrid-padded.torrent',
      ),
    );
    const res = await upload(file, { title: 'padded by libtorrent' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ totalSize: 81920, fileCount: 3 });
    expect(res.body.files).toEqual([
      { path: 'padded/a.bin', size: 20000 },
      { path: 'padded/c.txt', size: 5 },
      { path: 'padded/sub/b.bin', size: 16385 },
    ]);
    const search = (q: string) =>
      request(tracker.url).get(`/api/v1/torrents?q=${encodeURIComponent(q)}`);
    expect((await search('b.bin')).body.total).toBe(1);
    expect((await search('16379')).body.total).toBe(0);
  });

  const info = (overrides: BDict = {}): BDict => ({
    name: Buffer.from('file.bin'),
    'piece length': 16384,
    pieces: Buffer.alloc(20),
    length: 100,
    ...overrides,
  });
  const invalid: Array<[string, () => Buffer, RegExp]> = [
    [
      'not bencode',
      () => Buffer.from('this is not a torrent'),
      /not a valid \.torrent file: torrent file is not valid bencode/,
    ],
    ['no info dictionary', () => Buffer.from('d8:announce3:urle'), /info is missing/],
    [
      'pieces not a multiple of 20',
      () => handmadeTorrent(info({ pieces: Buffer.alloc(19) })),
      /pieces/,
    ],
    [
      'a file path climbing out with ..',
      () =>
        handmadeTorrent(
          info({
            length: undefined as never,
            files: [{ length: 100, path: [Buffer.from('..'), Buffer.from('evil')] }],
          }),
        ),
      /'\.\.'/,
    ],
    ['an empty file', () => Buffer.alloc(0), /attach the \.torrent file/],
  ];
  test.each(invalid)('rejects %s with 400 and the parser message', async (_name, make, message) => {
    const body = make();
    const res = await upload(body);
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    expect(res.body.message).toMatch(message);
  });

  test('rejects a request without the torrent field with 400', async () => {
    const res = await request(tracker.url).post('/api/v1/torrents').field('title', 'nothing');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('attach the .torrent file as the multipart field "torrent"');
  });

  test('rejects bad text fields with 400 naming the field', async () => {
    const file = mktorrent(work, 'fields', { fields: 'x' });
    const res = await upload(file, { category: '<script>' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('category must be');
  });

  test('treats blank form fields and query parameters as not given', async () => {
    const file = mktorrent(work, 'blank-fields', { 'blank-fields': 'x' });
    const res = await upload(file, { title: '', description: ' ', category: '', tags: '' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'blank-fields',
      description: null,
      category: null,
      tags: [],
    });
    const list = await request(tracker.url).get(
      '/api/v1/torrents?q=&category=&sort=&order=&page=&pageSize=',
    );
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 20 });
    const notNumber = await request(tracker.url).get('/api/v1/torrents?page=two');
    expect(notNumber.status).toBe(400);
    expect(notNumber.body.message).toMatch(/page must be an integer/);
  });

  test('rejects unknown or malformed info hashes in routes', async () => {
    const notHex = await request(tracker.url).get('/api/v1/torrents/not-a-hash');
    expect(notHex.status).toBe(400);
    expect(notHex.body.message).toMatch(/40 hexadecimal/);
    const missing = await request(tracker.url).get(`/api/v1/torrents/${'ab'.repeat(20)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `torrent ${'ab'.repeat(20)} is not in the catalog`,
    });
    for (const suffix of ['/torrent', '/magnet', '/completions']) {
      expect(
        (await request(tracker.url).get(`/api/v1/torrents/${'ab'.repeat(20)}${suffix}`)).status,
      ).toBe(404);
    }
  });

  test('counts completions per hour and per day', async () => {
    const file = mktorrent(work, 'popular', { popular: Buffer.alloc(5000, 1) });
    const meta = parseMetainfo(file);
    expect((await upload(file)).status).toBe(201);
    for (const who of ['c1', 'c2', 'c3']) {
      await announce(tracker, {
        infoHash: meta.infoHashBytes,
        peerId: peerIdOf(who),
        left: 5000,
        event: 'started',
      });
      const done = await announce(tracker, {
        infoHash: meta.infoHashBytes,
        peerId: peerIdOf(who),
        left: 0,
        event: 'completed',
      });
      expect(failureOf(done)).toBeUndefined();
    }
    const now = Date.now();
    const hour = await request(tracker.url).get(
      `/api/v1/torrents/${meta.infoHash}/completions?bucket=hour`,
    );
    expect(hour.body.bucket).toBe('hour');
    expect(hour.body.points).toEqual([
      { at: new Date(Math.floor(now / 3_600_000) * 3_600_000).toISOString(), count: 3 },
    ]);
    const day = await request(tracker.url).get(
      `/api/v1/torrents/${meta.infoHash}/completions?bucket=day`,
    );
    expect(day.body).toEqual({
      bucket: 'day',
      points: [{ at: new Date(Math.floor(now / 86_400_000) * 86_400_000).toISOString(), count: 3 }],
    });
    const bad = await request(tracker.url).get(
      `/api/v1/torrents/${meta.infoHash}/completions?bucket=week`,
    );
    expect(bad.status).toBe(400);
    const detail = await request(tracker.url).get(`/api/v1/torrents/${meta.infoHash}`);
    expect(detail.body).toMatchObject({ completed: 3, seeders: 3, leechers: 0 });
  });

  test('deletes only with the admin token', async () => {
    const file = mktorrent(work, 'doomed', { doomed: 'bye' });
    const meta = parseMetainfo(file);
    const first = await upload(file);
    expect(first.body).toMatchObject({ name: 'doomed' });
    expect(first.status).toBe(201);
    const anonymous = await request(tracker.url).delete(`/api/v1/torrents/${meta.infoHash}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toMatch(/admin token/);
    const wrong = await request(tracker.url)
      .delete(`/api/v1/torrents/${meta.infoHash}`)
      .set('Authorization', 'Bearer nope');
    expect(wrong.status).toBe(401);
    await announce(tracker, { infoHash: meta.infoHashBytes, peerId: peerIdOf('d1') });
    const ok = await request(tracker.url)
      .delete(`/api/v1/torrents/${meta.infoHash}`)
      .set('Authorization', `Bearer ${ADMIN}`);
    expect(ok.status).toBe(204);
    expect((await request(tracker.url).get(`/api/v1/torrents/${meta.infoHash}`)).status).toBe(404);
    const refused = await announce(tracker, {
      infoHash: meta.infoHashBytes,
      peerId: peerIdOf('d1'),
    });
    expect(failureOf(refused)).toBe('torrent is not registered with this tracker');
    const search = await request(tracker.url).get('/api/v1/torrents?q=doomed');
    expect(search.body.total).toBe(0);
    // It can be uploaded again once gone.
    expect((await upload(file)).status).toBe(201);
  });

  test('reports stats, health, metrics and the OpenAPI page', async () => {
    const stats = await request(tracker.url).get('/api/v1/stats');
    expect(stats.status).toBe(200);
    expect(Object.keys(stats.body).sort()).toEqual([
      'completions',
      'leechers',
      'peers',
      'seeders',
      'torrents',
    ]);
    const catalogued = await request(tracker.url).get('/api/v1/torrents?pageSize=100');
    expect(stats.body.torrents).toBe(catalogued.body.total);
    expect(stats.body.peers).toBe(stats.body.seeders + stats.body.leechers);
    expect(stats.body.completions).toBeGreaterThanOrEqual(3);
    const health = await request(tracker.url).get('/health');
    expect(health.body).toMatchObject({ status: 'ok', database: 'ok' });
    const metrics = await request(tracker.url).get('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/tracker_announces_total\{event="completed",result="ok"\} [1-9]/);
    expect(metrics.text).toMatch(new RegExp(`tracker_catalog_torrents ${stats.body.torrents}\\b`));
    expect(metrics.text).toMatch(/tracker_uploads_total\{result="duplicate"\} 1/);
    const docs = await request(tracker.url).get('/api/docs-json');
    expect(docs.body.paths['/api/v1/torrents']).toBeDefined();
    expect((await request(tracker.url).get('/api/docs')).status).toBe(200);
  });
});

describe('catalog search', () => {
  let tracker: TestTracker;
  let work: string;
  const hashes: Record<string, string> = {};
  beforeAll(async () => {
    tracker = await startTestTracker({ mode: 'listed' });
    work = makeTempDir('tracker-search-');
    if (!(await import('../../../test-support/tools.js')).hasTool('mktorrent')) return;
    const items: Array<[string, Record<string, string | Buffer>, Record<string, string>]> = [
      [
        'ubuntu-24.04',
        { 'ubuntu-24.04-desktop-amd64.iso': Buffer.alloc(40_000, 1), SHA256SUMS: 'x' },
        { category: 'linux', tags: 'iso,lts' },
      ],
      [
        'Big Buck Bunny',
        { 'Big Buck Bunny': Buffer.alloc(90_000, 2) },
        { category: 'video', tags: 'open-movie,blender', title: 'Big Buck Bunny (2008)' },
      ],
      [
        'Sintel',
        { 'sintel.mkv': Buffer.alloc(70_000, 3), 'subs/sintel.fr.srt': 'bonjour' },
        { category: 'video', tags: 'blender' },
      ],
      [
        'debian-12',
        { 'debian-12.5.0-amd64-netinst.iso': Buffer.alloc(20_000, 4) },
        { category: 'linux', tags: 'iso' },
      ],
      ['Café Ñandú', { 'Café Ñandú': Buffer.alloc(10_000, 5) }, { category: 'music' }],
    ];
    for (const [name, files, fields] of items) {
      const file = mktorrent(work, name, files);
      let req = request(tracker.url).post('/api/v1/torrents').attach('torrent', file, 'f.torrent');
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      const res = await req;
      expect(res.status).toBe(201);
      hashes[name] = res.body.infoHash;
    }
  });
  afterAll(async () => {
    await tracker.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  const names = async (query: string) => {
    const res = await request(tracker.url).get(`/api/v1/torrents?${query}`);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ name: string }>).map((i) => i.name);
  };

  test('finds torrents by title, name, file names and tags, with prefixes and without accents', async () => {
    expect(await names('q=bunny')).toEqual(['Big Buck Bunny']);
    expect(await names('q=2008')).toEqual(['Big Buck Bunny']);
    expect((await names('q=blender')).sort()).toEqual(['Big Buck Bunny', 'Sintel']);
    expect(await names('q=srt')).toEqual(['Sintel']);
    expect(await names('q=netinst')).toEqual(['debian-12']);
    expect((await names('q=amd64 iso&sort=name')).sort()).toEqual(['debian-12', 'ubuntu-24.04']);
    expect(await names('q=ubu')).toEqual(['ubuntu-24.04']);
    expect(await names('q=nandu')).toEqual(['Café Ñandú']);
    expect(await names('q=' + encodeURIComponent('"NEAR( OR * ^'))).toEqual([]);
    expect(await names('q=nothing-like-this')).toEqual([]);
  });

  test('filters by category and lists categories', async () => {
    expect((await names('category=video&sort=name')).sort()).toEqual(['Big Buck Bunny', 'Sintel']);
    expect(await names('category=linux&q=debian')).toEqual(['debian-12']);
    const categories = await request(tracker.url).get('/api/v1/categories');
    expect(categories.body).toEqual({ categories: ['linux', 'music', 'video'] });
  });

  test('sorts by size, name and upload time, and pages with a total', async () => {
    expect(await names('sort=size&order=asc')).toEqual([
      'Café Ñandú',
      'debian-12',
      'ubuntu-24.04',
      'Sintel',
      'Big Buck Bunny',
    ]);
    expect(await names('sort=name')).toEqual([
      'Big Buck Bunny',
      'Café Ñandú',
      'debian-12',
      'Sintel',
      'ubuntu-24.04',
    ]);
    expect(await names('sort=uploaded&order=asc')).toEqual([
      'ubuntu-24.04',
      'Big Buck Bunny',
      'Sintel',
      'debian-12',
      'Café Ñandú',
    ]);
    const page2 = await request(tracker.url).get('/api/v1/torrents?sort=name&page=2&pageSize=2');
    expect(page2.body.total).toBe(5);
    expect(page2.body.page).toBe(2);
    expect(page2.body.pageSize).toBe(2);
    expect(page2.body.items.map((i: { name: string }) => i.name)).toEqual(['debian-12', 'Sintel']);
    expect(
      (await request(tracker.url).get('/api/v1/torrents?page=9&pageSize=2')).body.items,
    ).toEqual([]);
    const bad = await request(tracker.url).get('/api/v1/torrents?sort=random&pageSize=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/sort must be one of/);
    expect(bad.body.message).toMatch(/pageSize must not be greater than 100/);
  });

  test('sorts by live seeders and leechers', async () => {
    const sintel = Buffer.from(hashes['Sintel'], 'hex');
    const debian = Buffer.from(hashes['debian-12'], 'hex');
    for (const i of [1, 2, 3])
      await announce(tracker, { infoHash: sintel, peerId: peerIdOf(`s${i}`), left: 0 });
    await announce(tracker, { infoHash: debian, peerId: peerIdOf('d1'), left: 0 });
    for (const i of [1, 2])
      await announce(tracker, { infoHash: debian, peerId: peerIdOf(`l${i}`), left: 9 });
    expect((await names('sort=seeders')).slice(0, 2)).toEqual(['Sintel', 'debian-12']);
    expect((await names('sort=leechers')).slice(0, 1)).toEqual(['debian-12']);
    const first = await request(tracker.url).get('/api/v1/torrents?sort=seeders&pageSize=1');
    expect(first.body.items[0]).toMatchObject({ name: 'Sintel', seeders: 3, leechers: 0 });
    expect(first.body.total).toBe(5);
    const scrape = await trackerGet(`${tracker.url}/scrape?info_hash=${binaryParam(sintel)}`);
    expect(scrape.dict).toEqual({
      files: { [sintel.toString('latin1')]: { complete: 3, incomplete: 0, downloaded: 0 } },
    });
  });
});

describe('upload size limit', () => {
  test('answers 413 for a .torrent over the configured size', async () => {
    const tracker = await startTestTracker({ mode: 'listed', maxTorrentSize: 2048 });
    const work = makeTempDir('tracker-413-');
    try {
      // 40 pieces of 20 bytes plus many files push this past 2 KiB.
      const files: Record<string, string> = {};
      for (let i = 0; i < 60; i++) files[`file-number-${i}.txt`] = `content ${i}`;
      const file = mktorrent(work, 'big', files);
      expect(file.length).toBeGreaterThan(2048);
      const res = await request(tracker.url)
        .post('/api/v1/torrents')
        .attach('torrent', file, 'big.torrent');
      expect(res.status).toBe(413);
      expect(res.body.statusCode).toBe(413);
    } finally {
      await tracker.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('restart', () => {
  test('keeps the catalog and its completions', async () => {
    const work = makeTempDir('tracker-restart-');
    const first = await startTestTracker({ mode: 'listed' });
    try {
      const file = mktorrent(work, 'kept', { kept: Buffer.alloc(3000, 9) });
      const meta = parseMetainfo(file);
      expect(
        (
          await request(first.url)
            .post('/api/v1/torrents')
            .attach('torrent', file, 'k.torrent')
            .field('tags', 'a,b')
        ).status,
      ).toBe(201);
      await announce(first, { infoHash: meta.infoHashBytes, peerId: peerIdOf('k1'), left: 3000 });
      await announce(first, {
        infoHash: meta.infoHashBytes,
        peerId: peerIdOf('k1'),
        left: 0,
        event: 'completed',
      });
      await first.close();
      const second = await startTestTracker({ mode: 'listed' }, first.dir);
      try {
        const detail = await request(second.url).get(`/api/v1/torrents/${meta.infoHash}`);
        expect(detail.body).toMatchObject({
          name: 'kept',
          tags: ['a', 'b'],
          completed: 1,
          seeders: 1,
        });
        expect((await request(second.url).get('/api/v1/torrents?q=kept')).body.total).toBe(1);
        const again = await announce(second, {
          infoHash: meta.infoHashBytes,
          peerId: peerIdOf('k2'),
          left: 3000,
        });
        expect(failureOf(again)).toBeUndefined();
        expect(again.dict.complete).toBe(1);
      } finally {
        await second.dispose();
      }
    } finally {
      await first.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
