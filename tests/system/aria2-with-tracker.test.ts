// A standard client meets our agent through our tracker alone: aria2c is given nothing but the
// catalog's .torrent (whose only announce URL is our tracker), so every peer it talks to came
// from our tracker's answer, and the same holds for our agent downloading from aria2c.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { testWithTools } from '../../test-support/tools.js';
import {
  ARIA2_LOOPBACK,
  freePort,
  getJson,
  hashTree,
  buildApps,
  peerAgent,
  peerAgentRun,
  spawnProc,
  startTracker,
  tempDir,
  until,
  type Proc,
  type RunningTracker,
} from './support.js';

const test = testWithTools('aria2c');

interface TorrentDetail {
  seeders: number;
  leechers: number;
  completed: number;
  totalSize: number;
  torrentUrl: string;
}

describe('aria2c and our agent through our tracker', () => {
  let work: { dir: string; remove: () => Promise<void> };
  let tracker: RunningTracker | undefined;
  const started: Proc[] = [];

  beforeAll(async () => {
    await buildApps();
    work = await tempDir('aria2');
    tracker = await startTracker(path.join(work.dir, 'tracker.sqlite'));
  });

  afterAll(async () => {
    for (const proc of started) await proc.stop('SIGKILL');
    await tracker?.stop();
    await work?.remove();
  });

  /** A directory of files, made into a torrent and published to the catalog by our CLI. */
  async function publishShare(name: string): Promise<{ share: string; infoHash: string }> {
    const share = path.join(work.dir, `${name}-source`, name);
    mkdirSync(path.join(share, 'inner'), { recursive: true });
    writeFileSync(path.join(share, 'big.bin'), randomBytes(3 * 1024 * 1024 + 5));
    writeFileSync(path.join(share, 'inner', 'small.txt'), randomBytes(777));
    const output = await peerAgentRun([
      'create',
      share,
      '--tracker',
      tracker!.announceUrl,
      '--out',
      path.join(work.dir, `${name}.torrent`),
      '--publish',
      tracker!.url,
    ]);
    const infoHash = /info hash:\s+([0-9a-f]{40})/.exec(output)?.[1];
    if (!infoHash) throw new Error(`no info hash in:\n${output}`);
    return { share, infoHash };
  }

  const detail = (infoHash: string) =>
    getJson<TorrentDetail>(`${tracker!.url}/api/v1/torrents/${infoHash}`);

  test('aria2c downloads from our seeder, given only the catalog .torrent URL', async () => {
    const { share, infoHash } = await publishShare('for-aria2');
    const seeder = peerAgent([
      'seed',
      path.join(work.dir, 'for-aria2.torrent'),
      share,
      '--data-dir',
      path.join(work.dir, 'seeder-data'),
      '--peer-port',
      '0',
      '--listen-host',
      '127.0.0.1',
    ]);
    started.push(seeder);
    await seeder.waitFor(/seeding .* on port \d+/);
    await until(async () => (await detail(infoHash)).seeders === 1, 'our seeder to be counted');

    const { torrentUrl, totalSize } = await detail(infoHash);
    const out = path.join(work.dir, 'aria2-downloads');
    // Seeding a moment (rather than --seed-time=0) makes aria2 announce `completed` before
    // `stopped`, as a client that goes on seeding does.
    const aria2 = spawnProc(
      'aria2c',
      [
        ...ARIA2_LOOPBACK,
        `--listen-port=${await freePort()}`,
        '--follow-torrent=mem',
        '--seed-time=0.05',
        `--dir=${out}`,
        `${tracker!.url}${torrentUrl}`,
      ],
      'aria2c',
    );
    started.push(aria2);
    const code = await aria2.exited;
    expect(code, aria2.output).toBe(0);
    expect(await hashTree(out)).toEqual(await hashTree(path.dirname(share)));

    const after = await until(async () => {
      const d = await detail(infoHash);
      return d.completed === 1 && d.leechers === 0 ? d : undefined;
    }, "aria2c's completion and stop to be recorded");
    expect(after.seeders).toBe(1);

    await seeder.stop('SIGINT');
    expect(seeder.exitCode, seeder.output).toBe(0);
    const uploaded = /session: downloaded \d+ bytes, uploaded (\d+) bytes/.exec(seeder.output);
    expect(Number(uploaded?.[1])).toBeGreaterThanOrEqual(totalSize);
    await until(async () => (await detail(infoHash)).seeders === 0, 'the seeder to be dropped');
  });

  test('our agent downloads from an aria2c seeder it found through the tracker', async () => {
    const { share, infoHash } = await publishShare('from-aria2');
    const torrentFile = path.join(work.dir, 'from-aria2.torrent');
    const aria2 = spawnProc(
      'aria2c',
      [
        ...ARIA2_LOOPBACK,
        `--listen-port=${await freePort()}`,
        '--bt-seed-unverified=true',
        '--seed-ratio=0.0',
        '--check-integrity=false',
        `--dir=${path.dirname(share)}`,
        torrentFile,
      ],
      'aria2c seeder',
    );
    started.push(aria2);
    await until(async () => {
      if (!aria2.running) throw new Error(`aria2c exited:\n${aria2.output}`);
      return (await detail(infoHash)).seeders === 1;
    }, 'the aria2c seeder to be counted');

    const { torrentUrl } = await detail(infoHash);
    const catalogTorrent = path.join(work.dir, 'from-aria2-catalog.torrent');
    await writeFile(
      catalogTorrent,
      Buffer.from(await (await fetch(`${tracker!.url}${torrentUrl}`)).arrayBuffer()),
    );
    const out = path.join(work.dir, 'agent-downloads');
    await peerAgentRun([
      'download',
      catalogTorrent,
      '--out',
      out,
      '--data-dir',
      path.join(work.dir, 'downloader-data'),
      '--peer-port',
      '0',
      '--listen-host',
      '127.0.0.1',
    ]);
    expect(await hashTree(out)).toEqual(await hashTree(path.dirname(share)));

    const after = await until(async () => {
      const d = await detail(infoHash);
      return d.completed === 1 && d.leechers === 0 ? d : undefined;
    }, "our agent's completion and stop to be recorded");
    expect(after.seeders).toBe(1);
    await aria2.stop('SIGTERM');
  });
});
