// A small swarm on the real tracker: one seeder whose upload is capped and three downloaders
// started together. The downloaders know each other only through the tracker's peer lists, so
// bytes they upload to each other prove the tracker joined them into one swarm.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildApps,
  getJson,
  hashTree,
  peerAgent,
  peerAgentRun,
  startTracker,
  tempDir,
  until,
  type Proc,
  type RunningTracker,
} from './support.js';

interface TorrentDetail {
  seeders: number;
  leechers: number;
  completed: number;
  torrentUrl: string;
}

describe('one capped seeder and three downloaders through the tracker', () => {
  let work: { dir: string; remove: () => Promise<void> };
  let tracker: RunningTracker | undefined;
  const started: Proc[] = [];

  beforeAll(async () => {
    await buildApps();
    work = await tempDir('swarm');
    tracker = await startTracker(path.join(work.dir, 'tracker.sqlite'));
  });

  afterAll(async () => {
    for (const proc of started) await proc.stop('SIGKILL');
    await tracker?.stop();
    await work?.remove();
  });

  test('every downloader finishes with identical bytes, downloaders trade pieces, three completions', async () => {
    const { url, announceUrl } = tracker!;
    const source = path.join(work.dir, 'source', 'release');
    mkdirSync(source, { recursive: true });
    writeFileSync(path.join(source, 'image.iso'), randomBytes(6 * 1024 * 1024 + 99));
    writeFileSync(path.join(source, 'SHA256SUMS'), randomBytes(300));
    const torrentFile = path.join(work.dir, 'release.torrent');
    const created = await peerAgentRun([
      'create',
      source,
      '--tracker',
      announceUrl,
      '--out',
      torrentFile,
      '--piece-length',
      String(64 * 1024),
      '--publish',
      url,
    ]);
    const infoHash = /info hash:\s+([0-9a-f]{40})/.exec(created)![1]!;
    const detail = () => getJson<TorrentDetail>(`${url}/api/v1/torrents/${infoHash}`);

    // Capped well below loopback speed, so the downloaders get much of the data from each other.
    const seeder = peerAgent([
      'seed',
      torrentFile,
      source,
      '--data-dir',
      path.join(work.dir, 'seeder'),
      '--peer-port',
      '0',
      '--listen-host',
      '127.0.0.1',
      '--upload-limit',
      '1m',
    ]);
    started.push(seeder);
    await seeder.waitFor(/seeding .* on port \d+/);
    await until(async () => (await detail()).seeders === 1, 'the seeder to be counted');

    const downloaders = ['one', 'two', 'three'].map((name) => {
      const proc = peerAgent([
        'download',
        torrentFile,
        '--out',
        path.join(work.dir, name),
        '--data-dir',
        path.join(work.dir, `${name}-data`),
        '--peer-port',
        '0',
        '--listen-host',
        '127.0.0.1',
      ]);
      started.push(proc);
      return { name, proc };
    });
    // While they run, the tracker sees them as leechers.
    await until(async () => (await detail()).leechers >= 2, 'the downloaders to be counted');

    const codes = await Promise.all(downloaders.map(({ proc }) => proc.exited));
    downloaders.forEach(({ proc }, i) => expect(codes[i], proc.output).toBe(0));
    const original = await hashTree(path.join(work.dir, 'source'));
    for (const { name } of downloaders)
      expect(await hashTree(path.join(work.dir, name))).toEqual(original);

    const uploadedByDownloaders = downloaders
      .map(({ proc }) => {
        const m = /session: downloaded (\d+) bytes, uploaded (\d+) bytes/.exec(proc.output);
        if (!m) throw new Error(`no session summary:\n${proc.output.slice(-2000)}`);
        return Number(m[2]);
      })
      .reduce((a, b) => a + b, 0);
    expect(uploadedByDownloaders).toBeGreaterThan(0);

    const after = await until(async () => {
      const d = await detail();
      return d.completed === 3 && d.leechers === 0 ? d : undefined;
    }, 'three completions to be recorded');
    expect(after.seeders).toBe(1);
    await seeder.stop('SIGINT');
    expect(seeder.exitCode, seeder.output).toBe(0);
  });
});
