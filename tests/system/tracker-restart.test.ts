// The tracker process is restarted under a running swarm (same database, same port). With an
// announce interval of 30 minutes the seeder does not announce again, so a downloader that
// arrives after the restart can only find it if the tracker restored the swarm from SQLite.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompletionSeries } from '@swarmhub/api-types';
import { describe, expect, test } from 'vitest';
import {
  createAndPublish,
  downloadArgs,
  getJson,
  hashTree,
  peerAgentRun,
  useSystemTest,
} from './support.js';

describe('tracker restart under a live swarm', () => {
  const system = useSystemTest('restart', { trackerDatabase: false });

  test('catalog, completions and the seeder survive; a new downloader finds the seeder', async () => {
    const { dir } = system;
    const databasePath = path.join(dir, 'tracker.sqlite');
    let tracker = await system.startTracker(databasePath);
    const port = Number(new URL(tracker.url).port);
    const { url } = tracker;

    const source = path.join(dir, 'source', 'archive.tar');
    mkdirSync(path.dirname(source), { recursive: true });
    writeFileSync(source, randomBytes(1_500_000 + 1));
    const torrentFile = path.join(dir, 'archive.torrent');
    const { torrent } = await createAndPublish(tracker, source, torrentFile);

    const seeder = await system.startSeeder(torrentFile, source, path.join(dir, 'seeder'));
    await torrent.until((d) => d.seeders === 1, 'the seeder to be counted');

    const download = (name: string) =>
      peerAgentRun(downloadArgs(torrentFile, path.join(dir, name), path.join(dir, `${name}-data`)));
    await download('before');
    await torrent.until((d) => d.completed === 1, 'the first completion');

    // A clean stop (SIGINT), then the same program on the same port and database.
    await tracker.stop();
    expect(tracker.proc.exitCode ?? tracker.proc.exitSignal).not.toBeNull();
    tracker = await system.startTracker(databasePath, { port });
    expect(tracker.url).toBe(url);

    expect(await torrent.detail()).toMatchObject({ seeders: 1, leechers: 0, completed: 1 });
    const completions = await getJson<CompletionSeries>(`${torrent.url}/completions?bucket=hour`);
    expect(completions.points.reduce((sum, p) => sum + p.count, 0)).toBe(1);

    await download('after');
    expect(await hashTree(path.join(dir, 'after'))).toEqual(await hashTree(path.dirname(source)));
    await torrent.until((d) => d.completed === 2, 'the second completion');
    expect(seeder.running).toBe(true);
  });
});
