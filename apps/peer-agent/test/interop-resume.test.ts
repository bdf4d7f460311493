import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { ResumeStore } from '@swarmhub/engine';
import { parseMetainfo } from '@swarmhub/metainfo';
import { readFileSync } from 'node:fs';
import { sha256File } from '../../../test-support/files.js';
import { testWithTools } from '../../../test-support/tools.js';
import { assertRunning, waitFor } from '../../../test-support/wait.js';
import {
  agentSessionArgs,
  randomFile,
  sessionBytes,
  spawnAgent,
  useInteropTests,
} from './interop-support.js';

const SIZE = 16 * 1024 * 1024 + 4321;
const startTest = useInteropTests();

function countBits(buf: Buffer): number {
  let n = 0;
  for (const byte of buf) for (let b = byte; b; b >>= 1) n += b & 1;
  return n;
}

describe('resume after kill -9', () => {
  testWithTools('mktorrent')(
    'a download killed halfway resumes without fetching verified pieces again',
    async () => {
      const { dir, makeTorrent, track } = await startTest('resume');
      await mkdir(path.join(dir, 'seed'));
      const data = path.join(dir, 'seed', 'big.bin');
      await randomFile(data, SIZE);
      const torrentFile = path.join(dir, 'big.torrent');
      makeTorrent(data, torrentFile, 16);
      const metainfo = parseMetainfo(readFileSync(torrentFile));
      const agentArgs = (name: string) => agentSessionArgs(path.join(dir, name));

      const seeder = track(spawnAgent(['seed', torrentFile, data, ...agentArgs('seeder')]));
      await seeder.waitFor(/seeding big\.bin/);
      const out = path.join(dir, 'out');
      // Throttled, so that it is still running when we kill it.
      const first = track(
        spawnAgent([
          'download',
          torrentFile,
          '--out',
          out,
          '--download-limit',
          '2m',
          ...agentArgs('leecher'),
        ]),
      );
      const store = new ResumeStore(path.join(dir, 'leecher', 'resume'));
      await waitFor('a quarter of the pieces in the resume file', async () => {
        const saved = await store.load(metainfo.infoHash);
        if (saved && countBits(saved.bitfield) >= metainfo.pieceCount * 0.25) return true;
        assertRunning(first);
        return undefined;
      });
      first.child.kill('SIGKILL');
      await first.exited;
      // What the resume file holds after the kill is what the restart may rely on.
      const resume = await store.load(metainfo.infoHash);
      const verifiedBefore = countBits(resume!.bitfield);
      expect(verifiedBefore).toBeGreaterThan(0);
      expect(verifiedBefore).toBeLessThan(metainfo.pieceCount);
      const lastPieceVerified =
        (resume!.bitfield[(metainfo.pieceCount - 1) >> 3]! &
          (0x80 >> ((metainfo.pieceCount - 1) & 7))) !==
        0;
      const lastPieceSize = SIZE - (metainfo.pieceCount - 1) * metainfo.pieceLength;
      const verifiedBytes = lastPieceVerified
        ? (verifiedBefore - 1) * metainfo.pieceLength + lastPieceSize
        : verifiedBefore * metainfo.pieceLength;

      const second = track(
        spawnAgent(['download', torrentFile, '--out', out, ...agentArgs('leecher')]),
      );
      expect(await second.exited, second.output).toBe(0);
      expect(await sha256File(path.join(out, 'big.bin'))).toBe(await sha256File(data));
      const { downloaded } = sessionBytes(second.output);
      expect(downloaded).toBeGreaterThan(0);
      expect(downloaded).toBeLessThanOrEqual(SIZE - verifiedBytes);
    },
  );
});
