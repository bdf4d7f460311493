// The product's main flow, end to end, with every part as the process a user starts: the tracker
// in its default `listed` mode, `peer-agent create --publish`, `peer-agent seed`, and
// `peer-agent download` of the catalog's .torrent from a second agent.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  CompletionSeries,
  MagnetResponse,
  TorrentPage,
  TrackerStats,
} from '@swarmhub/api-types';
import { decode, type BDict } from '@swarmhub/bencode';
import { describe, expect, test } from 'vitest';
import {
  binaryParam,
  createAndPublish,
  downloadArgs,
  getJson,
  hashTree,
  peerAgentRun,
  sessionTotals,
  useSystemTest,
} from './support.js';

describe('share a directory through the tracker and download it with a second agent', () => {
  const system = useSystemTest('share', {
    trackerDatabase: path.join('tracker', 'tracker.sqlite'),
  });

  test('create --publish, seed, download from the catalog, identical bytes, completion and stop recorded', async () => {
    const { dir, tracker } = system;
    const { url } = tracker;
    // Nested directories, a file that is not a multiple of the piece size, a one-byte file, an
    // empty file and a name with a space and non-ASCII letters: pieces span file boundaries.
    const share = path.join(dir, 'source', 'holiday photos');
    mkdirSync(path.join(share, 'day 1', 'raw'), { recursive: true });
    mkdirSync(path.join(share, 'day 2'), { recursive: true });
    writeFileSync(path.join(share, 'day 1', 'raw', 'IMG_0001.bin'), randomBytes(2_500_000 + 7));
    writeFileSync(path.join(share, 'day 1', 'notes.txt'), randomBytes(40_001));
    writeFileSync(path.join(share, 'day 2', 'café menu.txt'), randomBytes(1));
    writeFileSync(path.join(share, 'day 2', 'empty.log'), Buffer.alloc(0));
    writeFileSync(path.join(share, 'README'), randomBytes(16_384));
    const torrentFile = path.join(dir, 'holiday.torrent');

    const {
      output: created,
      infoHash,
      torrent,
    } = await createAndPublish(tracker, share, torrentFile, [
      '--title',
      'Holiday photos',
      '--category',
      'photos',
      '--tags',
      'summer,family',
    ]);
    expect(infoHash, created).toBeDefined();
    expect(created).toContain(`published: ${url}/api/v1/torrents/${infoHash}`);

    const listed = await torrent.detail();
    expect(listed).toMatchObject({
      infoHash,
      name: 'holiday photos',
      fileCount: 5,
      totalSize: 2_500_007 + 40_001 + 1 + 0 + 16_384,
      seeders: 0,
      completed: 0,
    });
    expect(listed.files.some((f) => f.path.endsWith('day 2/café menu.txt') && f.size === 1)).toBe(
      true,
    );
    const search = await getJson<TorrentPage>(
      `${url}/api/v1/torrents?q=${encodeURIComponent('menu')}`,
    );
    expect(search.items.map((t) => t.infoHash)).toContain(infoHash);

    const seeder = await system.startSeeder(torrentFile, share, path.join(dir, 'seeder-data'));
    // The downloader can only find the seeder through the tracker, so wait until it is listed.
    await torrent.until((d) => d.seeders === 1, 'the seeder to be counted by the tracker');

    // What a user does on another machine: hand the catalog's .torrent address to the CLI.
    const catalogTorrent = await fetch(`${url}${listed.torrentUrl}`);
    expect(catalogTorrent.status).toBe(200);
    expect(catalogTorrent.headers.get('content-type')).toContain('application/x-bittorrent');
    const out = path.join(dir, 'downloads');
    const downloadOutput = await peerAgentRun(
      downloadArgs(`${url}${listed.torrentUrl}`, out, path.join(dir, 'downloader-data')),
    );
    expect(downloadOutput).toMatch(/complete: holiday photos verified in/);
    expect(downloadOutput).toMatch(/session: downloaded \d+ bytes/);

    const original = await hashTree(path.join(dir, 'source'));
    expect(Object.keys(original)).toHaveLength(5);
    expect(await hashTree(out)).toEqual(original);

    // The downloader announced `completed` and then `stopped` when it exited.
    const afterDownload = await torrent.until(
      (d) => d.completed >= 1 && d.leechers === 0,
      'the completion to be recorded',
    );
    expect(afterDownload.completed).toBe(1);
    expect(afterDownload.seeders).toBe(1);

    for (const bucket of ['hour', 'day']) {
      const completions = await getJson<CompletionSeries>(
        `${torrent.url}/completions?bucket=${bucket}`,
      );
      expect(completions.bucket).toBe(bucket);
      expect(completions.points.reduce((sum, p) => sum + p.count, 0)).toBe(1);
      expect(Number.isNaN(Date.parse(completions.points[0]!.at))).toBe(false);
    }

    const scrapeUrl = `${url}/scrape?info_hash=${binaryParam(Buffer.from(infoHash, 'hex'))}`;
    const scrape = async () => {
      const res = await fetch(scrapeUrl);
      const files = (decode(Buffer.from(await res.arrayBuffer())) as BDict).files as BDict;
      return files[Buffer.from(infoHash, 'hex').toString('latin1')] as BDict;
    };
    expect(await scrape()).toEqual({ complete: 1, downloaded: 1, incomplete: 0 });

    const stats = await getJson<TrackerStats>(`${url}/api/v1/stats`);
    expect(stats).toMatchObject({ completions: 1, seeders: 1 });

    // Ctrl-C of the seeder: it announces `stopped` and the tracker drops it at once (well before
    // the two intervals plus grace after which a silent peer would expire).
    await seeder.stop('SIGINT');
    expect(seeder.exitCode, seeder.output).toBe(0);
    const summary = sessionTotals(seeder.output);
    expect(summary, seeder.output).toBeDefined();
    expect(summary!.uploaded).toBeGreaterThanOrEqual(listed.totalSize);
    await torrent.until(
      (d) => d.seeders === 0 && d.leechers === 0,
      'the tracker to drop the stopped seeder',
      { limitMs: 15_000 },
    );
    expect(await scrape()).toEqual({ complete: 0, downloaded: 1, incomplete: 0 });
    expect((await torrent.detail()).completed).toBe(1);
  });

  test('a magnet link from the catalog is enough: metadata and data come from a seeder found through the tracker', async () => {
    const { dir, tracker } = system;
    const { announceUrl } = tracker;
    const file = path.join(dir, 'magnet-source', 'dataset.csv');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(1_000_000 + 11));
    const torrentFile = path.join(dir, 'dataset.torrent');
    const { infoHash, torrent } = await createAndPublish(tracker, file, torrentFile);

    const magnetSeeder = await system.startSeeder(
      torrentFile,
      file,
      path.join(dir, 'magnet-seeder-data'),
    );
    await torrent.until((d) => d.seeders === 1, 'the seeder to be counted by the tracker');

    const { magnet } = await getJson<MagnetResponse>(`${torrent.url}/magnet`);
    expect(magnet).toContain(`xt=urn:btih:${infoHash}`);
    expect(magnet).toContain(`tr=${encodeURIComponent(announceUrl)}`);
    const out = path.join(dir, 'magnet-downloads');
    const output = await peerAgentRun(
      downloadArgs(magnet, out, path.join(dir, 'magnet-downloader-data')),
    );
    expect(output).toContain('fetching metadata from peers');
    expect(await hashTree(out)).toEqual(await hashTree(path.dirname(file)));
    await torrent.untilCompleted(1, 'the completion to be recorded');
    await magnetSeeder.stop('SIGINT');
    expect(magnetSeeder.exitCode, magnetSeeder.output).toBe(0);
  });
});
