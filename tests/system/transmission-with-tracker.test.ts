// Transmission uses our tracker unchanged: transmission-cli seeds a torrent our CLI made and
// published, announces to the real tracker, and our agent downloads from it, having no way to
// learn its address but the tracker. (Transmission 3.00 refuses loopback peers when it downloads,
// so on 127.0.0.1 it can only be the seeder; it seeds slowly there, so the files are small.)
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { testWithTools } from '../../test-support/tools.js';
import {
  buildApps,
  freePort,
  getJson,
  hashTree,
  peerAgentRun,
  spawnProc,
  startTracker,
  tempDir,
  until,
  type Proc,
  type RunningTracker,
} from './support.js';

const test = testWithTools('transmission-cli');

interface TorrentDetail {
  seeders: number;
  leechers: number;
  completed: number;
}

describe('Transmission with our tracker', () => {
  let work: { dir: string; remove: () => Promise<void> };
  let tracker: RunningTracker | undefined;
  const started: Proc[] = [];

  beforeAll(async () => {
    await buildApps();
    work = await tempDir('transmission');
    tracker = await startTracker(path.join(work.dir, 'tracker.sqlite'));
  });

  afterAll(async () => {
    for (const proc of started) await proc.stop('SIGKILL');
    await tracker?.stop();
    await work?.remove();
  });

  test('our agent downloads a directory that transmission-cli seeds, found through the tracker', async () => {
    const { url, announceUrl } = tracker!;
    const seedRoot = path.join(work.dir, 'transmission-downloads');
    const share = path.join(seedRoot, 'field recordings');
    mkdirSync(path.join(share, 'birds'), { recursive: true });
    writeFileSync(path.join(share, 'birds', 'robin.wav'), randomBytes(300_000 + 17));
    writeFileSync(path.join(share, 'index.txt'), randomBytes(999));
    const torrentFile = path.join(work.dir, 'recordings.torrent');
    const created = await peerAgentRun([
      'create',
      share,
      '--tracker',
      announceUrl,
      '--out',
      torrentFile,
      '--publish',
      url,
    ]);
    const infoHash = /info hash:\s+([0-9a-f]{40})/.exec(created)![1]!;
    const detail = () => getJson<TorrentDetail>(`${url}/api/v1/torrents/${infoHash}`);

    const configDir = path.join(work.dir, 'transmission-config');
    mkdirSync(configDir);
    const seeder = spawnProc(
      'transmission-cli',
      ['-g', configDir, '-w', seedRoot, '-p', String(await freePort()), '-M', '-et', torrentFile],
      'transmission-cli',
      { env: { HOME: work.dir } },
    );
    started.push(seeder);
    // Transmission checks its data, then announces itself to our tracker as a seed.
    await until(async () => {
      if (!seeder.running) throw new Error(`transmission-cli exited:\n${seeder.output}`);
      return (await detail()).seeders === 1;
    }, 'transmission-cli to be counted as a seeder');

    const out = path.join(work.dir, 'agent-downloads');
    await peerAgentRun([
      'download',
      torrentFile,
      '--out',
      out,
      '--data-dir',
      path.join(work.dir, 'agent-data'),
      '--peer-port',
      '0',
      '--listen-host',
      '127.0.0.1',
    ]);
    expect(await hashTree(out)).toEqual(await hashTree(seedRoot));

    const after = await until(async () => {
      const d = await detail();
      return d.completed === 1 && d.leechers === 0 ? d : undefined;
    }, 'the completion to be recorded');
    expect(after.seeders).toBe(1);
  });
});
