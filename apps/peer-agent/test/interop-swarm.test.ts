import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { magnetFromMetainfo, parseMetainfo } from '@swarmhub/metainfo';
import { sha256File } from '../../../test-support/files.js';
import { testWithTools } from '../../../test-support/tools.js';
import {
  agentSessionArgs,
  randomFile,
  sessionBytes,
  spawnAgent,
  useInteropTests,
} from './interop-support.js';

const startTest = useInteropTests();

describe('a swarm of our agents', () => {
  testWithTools('mktorrent')(
    'one seeder and three leechers started together all finish with identical bytes, one of them from a magnet link',
    async () => {
      const { dir, tracker, makeTorrent, track } = await startTest('swarm');
      await mkdir(path.join(dir, 'seed', 'set', 'sub'), { recursive: true });
      await randomFile(path.join(dir, 'seed', 'set', 'one.bin'), 5_000_000);
      await randomFile(path.join(dir, 'seed', 'set', 'sub', 'two.bin'), 7_654_321);
      const torrentFile = path.join(dir, 'set.torrent');
      makeTorrent(path.join(dir, 'seed', 'set'), torrentFile, 16);
      const metainfo = parseMetainfo(readFileSync(torrentFile));
      const magnetFile = path.join(dir, 'set.magnet.txt');
      await writeFile(magnetFile, `${magnetFromMetainfo(metainfo)}\n`);
      const args = (name: string) => agentSessionArgs(path.join(dir, name));

      // The seeder's upload is capped so the leechers must also trade pieces among themselves.
      const seeder = track(
        spawnAgent([
          'seed',
          torrentFile,
          path.join(dir, 'seed', 'set'),
          '--upload-limit',
          '4m',
          ...args('s'),
        ]),
      );
      const leechers = [1, 2, 3].map((i) =>
        track(
          spawnAgent([
            'download',
            i === 3 ? magnetFile : torrentFile,
            '--out',
            path.join(dir, `out${i}`),
            ...args(`l${i}`),
          ]),
        ),
      );
      const codes = await Promise.all(leechers.map((l) => l.exited));
      codes.forEach((code, i) => expect(code, leechers[i]!.output).toBe(0));

      const expected = await Promise.all(
        metainfo.files.map((f) => sha256File(path.join(dir, 'seed', ...f.path))),
      );
      for (const i of [1, 2, 3]) {
        const got = await Promise.all(
          metainfo.files.map((f) => sha256File(path.join(dir, `out${i}`, ...f.path))),
        );
        expect(got).toEqual(expected);
      }
      expect(leechers[2]!.output).toMatch(/metadata: set/);
      await seeder.stop('SIGTERM');
      expect(tracker.events.filter((e) => e.event === 'completed')).toHaveLength(3);
      const uploadedByLeechers = leechers
        .map((l) => sessionBytes(l.output).uploaded)
        .reduce((a, b) => a + b, 0);
      expect(uploadedByLeechers).toBeGreaterThan(0);
    },
  );
});
