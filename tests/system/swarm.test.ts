// A small swarm on the real tracker: one seeder whose upload is capped and three downloaders
// started together. The downloaders know each other only through the tracker's peer lists, so
// bytes they upload to each other prove the tracker joined them into one swarm.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  createAndPublish,
  downloadArgs,
  hashTree,
  peerAgent,
  sessionTotals,
  useSystemTest,
} from './support.js';

describe('one capped seeder and three downloaders through the tracker', () => {
  const system = useSystemTest('swarm');

  test('every downloader finishes with identical bytes, downloaders trade pieces, three completions', async () => {
    const { dir } = system;
    const source = path.join(dir, 'source', 'release');
    mkdirSync(source, { recursive: true });
    writeFileSync(path.join(source, 'image.iso'), randomBytes(6 * 1024 * 1024 + 99));
    writeFileSync(path.join(source, 'SHA256SUMS'), randomBytes(300));
    const torrentFile = path.join(dir, 'release.torrent');
    const { torrent } = await createAndPublish(system.tracker, source, torrentFile, [
      '--piece-length',
      String(64 * 1024),
    ]);

    // Capped well below loopback speed, so the downloaders get much of the data from each other.
    const seeder = await system.startSeeder(torrentFile, source, path.join(dir, 'seeder'), [
      '--upload-limit',
      '1m',
    ]);
    await torrent.until((d) => d.seeders === 1, 'the seeder to be counted');

    const downloaders = ['one', 'two', 'three'].map((name) => {
      const proc = system.track(
        peerAgent(downloadArgs(torrentFile, path.join(dir, name), path.join(dir, `${name}-data`))),
      );
      return { name, proc };
    });
    // While they run, the tracker sees them as leechers.
    await torrent.until((d) => d.leechers >= 2, 'the downloaders to be counted');

    const codes = await Promise.all(downloaders.map(({ proc }) => proc.exited));
    downloaders.forEach(({ proc }, i) => expect(codes[i], proc.output).toBe(0));
    const original = await hashTree(path.join(dir, 'source'));
    for (const { name } of downloaders)
      expect(await hashTree(path.join(dir, name))).toEqual(original);

    const uploadedByDownloaders = downloaders
      .map(({ proc }) => {
        const totals = sessionTotals(proc.output);
        if (!totals) throw new Error(`no session summary:\n${proc.output.slice(-2000)}`);
        return totals.uploaded;
      })
      .reduce((a, b) => a + b, 0);
    expect(uploadedByDownloaders).toBeGreaterThan(0);

    const after = await torrent.untilCompleted(3, 'three completions to be recorded');
    expect(after.seeders).toBe(1);
    await seeder.stop('SIGINT');
    expect(seeder.exitCode, seeder.output).toBe(0);
  });
});
