import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { spawnProc } from '../../../test-support/processes.js';
import { testWithTools } from '../../../test-support/tools.js';
import { assertRunning, waitFor } from '../../../test-support/wait.js';
import { expectAgentDownload, randomFile, useInteropTests } from './interop-support.js';

// Transmission 3.00 seeds slowly on loopback (and refuses to download from 127.0.0.0/8): a small file.
const SIZE = 3 * 1024 * 1024 + 777;
const startTest = useInteropTests();

describe('interop with Transmission', () => {
  testWithTools('transmission-cli', 'mktorrent')(
    'our agent downloads a file that transmission-cli seeds',
    async () => {
      const { dir, tracker, makeTorrent, track } = await startTest('transmission');
      await mkdir(path.join(dir, 'seed'));
      await mkdir(path.join(dir, 'tr-config'));
      const data = path.join(dir, 'seed', 'small.bin');
      await randomFile(data, SIZE);
      const torrent = path.join(dir, 'small.torrent');
      makeTorrent(data, torrent, 16);

      const transmissionPort = await freePort();
      const seeder = track(
        spawnProc(
          'transmission-cli',
          [
            '-g',
            path.join(dir, 'tr-config'),
            '-w',
            path.join(dir, 'seed'),
            '-p',
            String(transmissionPort),
            '-M',
            '-et',
            torrent,
          ],
          'transmission-cli',
          { env: { HOME: dir } },
        ),
      );
      // Transmission checks the local data first, then announces itself as a seed (left=0).
      await waitFor(
        'transmission-cli to announce itself as a seed',
        () => {
          assertRunning(seeder);
          return [...(tracker.swarms.values().next().value?.values() ?? [])].some(
            (p) => p.port === transmissionPort && p.left === 0,
          );
        },
        60_000,
      );

      const out = path.join(dir, 'out');
      await expectAgentDownload({ dir, track }, torrent, out, data, SIZE);
    },
  );
});
