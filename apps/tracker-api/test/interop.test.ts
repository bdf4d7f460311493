import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMetainfo } from '@swarmhub/metainfo';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ARIA2_SEED, spawnAria2 } from '../../../test-support/aria2.js';
import { freePort } from '../../../test-support/ports.js';
import { ProcessGroup, spawnProc } from '../../../test-support/processes.js';
import { testWithTools } from '../../../test-support/tools.js';
import { waitFor } from '../../../test-support/wait.js';
import {
  binaryParam,
  makeTempDir,
  startTestTracker,
  trackerGet,
  type TestTracker,
} from './helpers.js';
import { mktorrent } from './torrent-files.js';

const test = testWithTools('aria2c', 'mktorrent');
const testWithTransmission = testWithTools('transmission-cli', 'aria2c', 'mktorrent');

describe('interop with real BitTorrent clients', () => {
  let tracker: TestTracker;
  let work: string;
  const processes = new ProcessGroup();
  beforeAll(async () => {
    tracker = await startTestTracker({ mode: 'listed' });
    work = makeTempDir('tracker-aria2-');
  });
  afterAll(async () => {
    await processes.stopAll();
    await tracker.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('an aria2c seeder and an aria2c downloader find each other through our tracker and transfer a file', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 123);
    const torrent = mktorrent(
      work,
      'payload.bin',
      { 'payload.bin': content },
      {
        announce: `${tracker.url}/announce`,
        pieceLengthExp: 18,
      },
    );
    const meta = parseMetainfo(torrent);
    const upload = await request(tracker.url)
      .post('/api/v1/torrents')
      .attach('torrent', torrent, 'payload.torrent');
    expect(upload.status).toBe(201);
    const torrentPath = join(work, 'payload.torrent');
    writeFileSync(torrentPath, torrent);

    const seedDir = join(work, 'content'); // mktorrent hashed the file here
    processes.track(
      await spawnAria2(
        [
          `--log=${join(work, 'seeder.log')}`,
          '--log-level=info',
          ...ARIA2_SEED,
          `--dir=${seedDir}`,
          torrentPath,
        ],
        'aria2c seeder',
      ),
    );
    const scrapeUrl = `${tracker.url}/scrape?info_hash=${binaryParam(meta.infoHashBytes)}`;
    const counts = async () =>
      (await trackerGet(scrapeUrl)).dict.files as Record<
        string,
        { complete: number; incomplete: number; downloaded: number }
      >;
    await waitFor(
      'the seeder to announce',
      async () => (await counts())[meta.infoHashBytes.toString('latin1')]?.complete === 1,
    );

    const downloadDir = join(work, 'download');
    mkdirSync(downloadDir);
    // With --seed-time=0 aria2 skips `completed` and only says `stopped`; seeding for three
    // seconds makes it send `completed` first, as a client that goes on seeding does.
    const leecher = processes.track(
      await spawnAria2(
        [
          `--log=${join(work, 'leecher.log')}`,
          '--log-level=info',
          '--seed-time=0.05',
          `--dir=${downloadDir}`,
          torrentPath,
        ],
        'aria2c leecher',
      ),
    );
    const exitCode = await leecher.exited;
    expect(exitCode, readFileSync(join(work, 'leecher.log'), 'utf8').slice(-3000)).toBe(0);
    expect(Buffer.compare(readFileSync(join(downloadDir, 'payload.bin')), content)).toBe(0);

    // aria2 announced `completed` (an event row) and then `stopped` (gone from the swarm).
    await waitFor(
      'the completion and the stop to be recorded',
      async () => {
        const detail = await request(tracker.url).get(`/api/v1/torrents/${meta.infoHash}`);
        return (
          detail.body.completed === 1 && detail.body.seeders === 1 && detail.body.leechers === 0
        );
      },
      15_000,
    );
    const stats = await request(tracker.url).get('/api/v1/stats');
    expect(stats.body).toMatchObject({ torrents: 1, completions: 1, seeders: 1, leechers: 0 });
  });

  testWithTransmission(
    'a Transmission seeder announces to our tracker and an aria2c downloader gets the file from it',
    async () => {
      const content = randomBytes(512 * 1024 + 7); // Transmission seeds slowly on loopback
      const torrent = mktorrent(
        work,
        'from-transmission.bin',
        { 'from-transmission.bin': content },
        {
          announce: `${tracker.url}/announce`,
          pieceLengthExp: 16,
        },
      );
      const meta = parseMetainfo(torrent);
      expect(
        (
          await request(tracker.url)
            .post('/api/v1/torrents')
            .attach('torrent', torrent, 't.torrent')
        ).status,
      ).toBe(201);
      const torrentPath = join(work, 'from-transmission.torrent');
      writeFileSync(torrentPath, torrent);
      const configDir = join(work, 'transmission-config');
      mkdirSync(configDir);
      const seederPort = await freePort();
      writeFileSync(
        join(configDir, 'settings.json'),
        JSON.stringify({
          'dht-enabled': false,
          'lpd-enabled': false,
          'pex-enabled': false,
          'utp-enabled': false,
          'port-forwarding-enabled': false,
          'bind-address-ipv4': '127.0.0.1',
          'bind-address-ipv6': '::1',
          'peer-port': seederPort,
          'ratio-limit-enabled': false,
        }),
      );
      processes.track(
        spawnProc(
          'transmission-cli',
          [
            '-g',
            configDir,
            '-w',
            join(work, 'content'),
            '-p',
            String(seederPort),
            '-M',
            '-D',
            '-U',
            torrentPath,
          ],
          'transmission-cli',
        ),
      );
      const scrapeUrl = `${tracker.url}/scrape?info_hash=${binaryParam(meta.infoHashBytes)}`;
      await waitFor('Transmission to announce as a seeder', async () => {
        const files = (await trackerGet(scrapeUrl)).dict.files as Record<
          string,
          { complete: number }
        >;
        return files[meta.infoHashBytes.toString('latin1')]?.complete === 1;
      });

      const downloadDir = join(work, 'from-transmission');
      mkdirSync(downloadDir);
      const leecher = processes.track(
        await spawnAria2(
          [
            `--log=${join(work, 'leecher-t.log')}`,
            '--log-level=info',
            '--seed-time=0',
            `--dir=${downloadDir}`,
            torrentPath,
          ],
          'aria2c leecher',
        ),
      );
      const exitCode = await leecher.exited;
      expect(exitCode, readFileSync(join(work, 'leecher-t.log'), 'utf8').slice(-3000)).toBe(0);
      expect(
        Buffer.compare(readFileSync(join(downloadDir, 'from-transmission.bin')), content),
      ).toBe(0);
    },
  );
});
