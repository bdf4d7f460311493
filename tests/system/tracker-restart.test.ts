// The tracker process is restarted under a running swarm (same database, same port). With an
// announce interval of 30 minutes the seeder does not announce again, so a downloader that
// arrives after the restart can only find it if the tracker restored the swarm from SQLite.
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
}

describe('tracker restart under a live swarm', () => {
  let work: { dir: string; remove: () => Promise<void> };
  let tracker: RunningTracker | undefined;
  const started: Proc[] = [];

  beforeAll(async () => {
    await buildApps();
    work = await tempDir('restart');
  });

  afterAll(async () => {
    for (const proc of started) await proc.stop('SIGKILL');
    await tracker?.stop();
    await work?.remove();
  });

  test('catalog, completions and the seeder survive; a new downloader finds the seeder', async () => {
    const databasePath = path.join(work.dir, 'tracker.sqlite');
    tracker = await startTracker(databasePath);
    const port = Number(new URL(tracker.url).port);
    const { url, announceUrl } = tracker;

    const source = path.join(work.dir, 'source', 'archive.tar');
    mkdirSync(path.dirname(source), { recursive: true });
    writeFileSync(source, randomBytes(1_500_000 + 1));
    const torrentFile = path.join(work.dir, 'archive.torrent');
    const created = await peerAgentRun([
      'create',
      source,
      '--tracker',
      announceUrl,
      '--out',
      torrentFile,
      '--publish',
      url,
    ]);
    const infoHash = /info hash:\s+([0-9a-f]{40})/.exec(created)![1]!;
    const detail = () => getJson<TorrentDetail>(`${url}/api/v1/torrents/${infoHash}`);

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
    ]);
    started.push(seeder);
    await seeder.waitFor(/seeding .* on port \d+/);
    await until(async () => (await detail()).seeders === 1, 'the seeder to be counted');

    const download = (name: string) =>
      peerAgentRun([
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
    await download('before');
    await until(async () => (await detail()).completed === 1, 'the first completion');

    // A clean stop (SIGINT), then the same program on the same port and database.
    await tracker.stop();
    expect(tracker.proc.exitCode ?? tracker.proc.exitSignal).not.toBeNull();
    tracker = await startTracker(databasePath, { port });
    expect(tracker.url).toBe(url);

    expect(await detail()).toMatchObject({ seeders: 1, leechers: 0, completed: 1 });
    const completions = await getJson<{ points: { count: number }[] }>(
      `${url}/api/v1/torrents/${infoHash}/completions?bucket=hour`,
    );
    expect(completions.points.reduce((sum, p) => sum + p.count, 0)).toBe(1);

    await download('after');
    expect(await hashTree(path.join(work.dir, 'after'))).toEqual(
      await hashTree(path.dirname(source)),
    );
    await until(async () => (await detail()).completed === 2, 'the second completion');
    expect(seeder.running).toBe(true);
  });
});
