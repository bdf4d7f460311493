// Transmission uses our tracker unchanged: transmission-cli seeds a torrent our CLI made and
// published, announces to the real tracker, and our agent downloads from it, having no way to
// learn its address but the tracker. (Transmission 3.00 refuses loopback peers when it downloads,
// so on 127.0.0.1 it can only be the seeder; it seeds slowly there, so the files are small.)
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { freePort } from '../../test-support/ports.js';
import { spawnProc } from '../../test-support/processes.js';
import { testWithTools } from '../../test-support/tools.js';
import {
  createAndPublish,
  downloadArgs,
  hashTree,
  peerAgentRun,
  useSystemTest,
} from './support.js';

const test = testWithTools('transmission-cli');

describe('Transmission with our tracker', () => {
  const system = useSystemTest('transmission');

  test('our agent downloads a directory that transmission-cli seeds, found through the tracker', async () => {
    const { dir } = system;
    const seedRoot = path.join(dir, 'transmission-downloads');
    const share = path.join(seedRoot, 'field recordings');
    mkdirSync(path.join(share, 'birds'), { recursive: true });
    writeFileSync(path.join(share, 'birds', 'robin.wav'), randomBytes(300_000 + 17));
    writeFileSync(path.join(share, 'index.txt'), randomBytes(999));
    const torrentFile = path.join(dir, 'recordings.torrent');
    const { torrent } = await createAndPublish(system.tracker, share, torrentFile);

    const configDir = path.join(dir, 'transmission-config');
    mkdirSync(configDir);
    const seeder = system.track(
      spawnProc(
        'transmission-cli',
        ['-g', configDir, '-w', seedRoot, '-p', String(await freePort()), '-M', '-et', torrentFile],
        'transmission-cli',
        { env: { HOME: dir } },
      ),
    );
    // Transmission checks its data, then announces itself to our tracker as a seed.
    await torrent.until((d) => d.seeders === 1, 'transmission-cli to be counted as a seeder', {
      whileRunning: seeder,
    });

    const out = path.join(dir, 'agent-downloads');
    await peerAgentRun(downloadArgs(torrentFile, out, path.join(dir, 'agent-data')));
    expect(await hashTree(out)).toEqual(await hashTree(seedRoot));

    const after = await torrent.untilCompleted(1, 'the completion to be recorded');
    expect(after.seeders).toBe(1);
  });
});
