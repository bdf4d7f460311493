import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Message } from '@swarmhub/wire';
import { loopbackSession, makeTorrent, tempDir } from './support/fixtures.js';
import { rawPeer } from './support/raw-peer.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
}

test('the allowed-fast set goes to one connection per address at a time', async () => {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  const { metainfo } = await makeTorrent(
    path.join(dir, 'seed'),
    'data.bin',
    { '': 40 * 16384 },
    {
      pieceLength: 16384,
    },
  );
  const seeder = await loopbackSession(path.join(dir, 'rs'), cleanups);
  await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed'), skipCheck: true });
  const allowed = (ms: Message[]) =>
    ms.flatMap((m) => (m.type === 'allowed-fast' ? [m.index] : [])).sort((a, b) => a - b);

  const first = await rawPeer(seeder.peerPort, metainfo.infoHashBytes, cleanups);
  await settle();
  const second = await rawPeer(seeder.peerPort, metainfo.infoHashBytes, cleanups);
  await settle();
  // BEP 6: the set depends on the address only, so both would get the same ten pieces for free.
  expect(allowed(first.messages)).toHaveLength(10);
  expect(second.messages.some((m) => m.type === 'have-all' || m.type === 'bitfield')).toBe(true);
  expect(allowed(second.messages)).toEqual([]);

  // Once the first is gone, the next connection from the address gets the same set.
  first.socket.destroy();
  await settle();
  const third = await rawPeer(seeder.peerPort, metainfo.infoHashBytes, cleanups);
  await settle();
  expect(allowed(third.messages)).toEqual(allowed(first.messages));
});
