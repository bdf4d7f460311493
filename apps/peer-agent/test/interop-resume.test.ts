import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { ResumeStore } from '@swarmhub/engine';
import { parseMetainfo } from '@swarmhub/metainfo';
import { readFileSync } from 'node:fs';
import type { Proc } from '../../../test-support/processes.js';
import { sha256File, tempDir } from '../../../test-support/files.js';
import { testWithTools } from '../../../test-support/tools.js';
import { TestTracker, randomFile, sessionBytes, spawnAgent } from './interop-support.js';

const SIZE = 16 * 1024 * 1024 + 4321;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

function countBits(buf: Buffer): number {
  let n = 0;
  for (const byte of buf) for (let b = byte; b; b >>= 1) n += b & 1;
  return n;
}

describe('resume after kill -9', () => {
  testWithTools('mktorrent')(
    'a download killed halfway resumes without fetching verified pieces again',
    async () => {
      const { dir, cleanup } = await tempDir('resume');
      cleanups.push(cleanup);
      const tracker = new TestTracker();
      const announce = await tracker.start();
      cleanups.push(() => tracker.close());
      await mkdir(path.join(dir, 'seed'));
      const data = path.join(dir, 'seed', 'big.bin');
      await randomFile(data, SIZE);
      const torrentFile = path.join(dir, 'big.torrent');
      execFileSync('mktorrent', ['-a', announce, '-l', '16', '-o', torrentFile, data], {
        stdio: 'ignore',
      });
      const metainfo = parseMetainfo(readFileSync(torrentFile));
      const agentArgs = (name: string) => [
        '--data-dir',
        path.join(dir, name),
        '--peer-port',
        '0',
        '--listen-host',
        '127.0.0.1',
      ];
      const track = (p: Proc) => (cleanups.push(() => p.stop('SIGKILL')), p);

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
      for (;;) {
        const saved = await store.load(metainfo.infoHash);
        if (saved && countBits(saved.bitfield) >= metainfo.pieceCount * 0.25) break;
        if (first.exitCode !== undefined) throw new Error(`download ended early:\n${first.output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
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
