import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentApiError, AgentClient } from '../src/client/agent-client.js';
import type { AgentEvent, Transfer } from '@swarmhub/api-types';
import { removeTestDir, startTestAgent, type TestAgent } from './daemon-support/agent-harness.js';
import { TinyTracker } from './daemon-support/tiny-tracker.js';
import { waitFor } from '../../../test-support/wait.js';

// The control API end to end: two real agents (engine, state, HTTP) on 127.0.0.1, one seeding a
// torrent it created through POST /create, the other downloading it by file, magnet and catalog
// URL through the typed client, with a real HTTP tracker between them.

const FILE_SIZE = 3 * 1024 * 1024 + 12345;
const PIECE_LENGTH = 64 * 1024;

let tracker: TinyTracker;
let seeder: TestAgent;
let leecher: TestAgent;
let seederClient: AgentClient;
let client: AgentClient;
let content: Buffer;
let infoHash: string;
let magnet: string;
let torrentBytes: Buffer;
const events: AgentEvent[] = [];
const stopEvents = new AbortController();

beforeAll(async () => {
  tracker = new TinyTracker();
  await tracker.start();
  seeder = await startTestAgent();
  leecher = await startTestAgent();
  seederClient = new AgentClient({ baseUrl: seeder.apiUrl, token: seeder.token });
  client = new AgentClient({ baseUrl: leecher.apiUrl, token: leecher.token });
  content = randomBytes(FILE_SIZE);
  await mkdir(join(seeder.root, 'share'));
  await writeFile(join(seeder.root, 'share', 'payload.bin'), content);
  void (async () => {
    for await (const event of client.events(stopEvents.signal)) events.push(event);
  })();
});

afterAll(async () => {
  stopEvents.abort();
  await leecher?.stop();
  await seeder?.stop();
  await tracker?.stop();
  if (leecher) await removeTestDir(leecher.root);
  if (seeder) await removeTestDir(seeder.root);
});

async function completed(hash: string): Promise<Transfer> {
  return waitFor(`${hash} to finish`, async () => {
    const t = (await client.list()).find((x) => x.infoHash === hash);
    return t && t.progress === 1 && t.state === 'seeding' ? t : undefined;
  });
}

/** A BEP 3 bitfield with every piece set (spare bits of the last byte clear). */
function allPieces(count: number): Buffer {
  const bits = Buffer.alloc(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) bits[i >> 3] |= 0x80 >> (i & 7);
  return bits;
}

function transferEventsOf(hash: string) {
  return events.filter((e) => e.event === 'transfer' && e.data.infoHash === hash) as Extract<
    AgentEvent,
    { event: 'transfer' }
  >[];
}

describe('agent API end to end', () => {
  test('POST /create hashes a local file and seeds it', async () => {
    const created = await seederClient.create({
      path: join(seeder.root, 'share', 'payload.bin'),
      trackers: [tracker.announceUrl],
      pieceLength: PIECE_LENGTH,
      comment: 'e2e',
    });
    infoHash = created.infoHash;
    magnet = created.magnet;
    expect(infoHash).toMatch(/^[0-9a-f]{40}$/);
    expect(magnet).toContain(`urn:btih:${infoHash}`);
    expect(created.transfer).toMatchObject({
      infoHash,
      name: 'payload.bin',
      totalLength: FILE_SIZE,
      saveDir: join(seeder.root, 'share'),
    });
    expect(created.published).toBeUndefined();
    const seeding = await waitFor('the seeder to seed', async () => {
      const detail = await seederClient.get(infoHash);
      return detail.state === 'seeding' ? detail : undefined;
    });
    expect(seeding.progress).toBe(1);
    expect(seeding.files).toEqual([
      { path: 'payload.bin', length: FILE_SIZE, downloaded: FILE_SIZE },
    ]);
    torrentBytes = await readFile(join(seeder.config.dataDir, 'torrents', `${infoHash}.torrent`));
  });

  test('add by .torrent file (multipart) downloads the exact bytes; SSE reports it in order', async () => {
    const saveDir = join(leecher.root, 'downloads', 'by-file');
    const { created, transfer } = await client.addFile(torrentBytes, { saveDir });
    expect(created).toBe(true);
    expect(transfer).toMatchObject({ infoHash, saveDir, paused: false, name: 'payload.bin' });
    await completed(infoHash);
    expect((await readFile(join(saveDir, 'payload.bin'))).equals(content)).toBe(true);

    const detail = await client.get(infoHash);
    expect(detail.pieceCount).toBe(Math.ceil(FILE_SIZE / PIECE_LENGTH));
    expect(Buffer.from(detail.bitfield, 'base64')).toEqual(allPieces(detail.pieceCount));
    expect(detail.files).toEqual([
      { path: 'payload.bin', length: FILE_SIZE, downloaded: FILE_SIZE },
    ]);
    expect(detail.trackers[0]?.url).toBe(tracker.announceUrl);

    await waitFor('the final event', () =>
      transferEventsOf(infoHash).some((e) => e.data.progress === 1 && e.data.state === 'seeding'),
    );
    const progress = transferEventsOf(infoHash).map((e) => e.data.progress);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  test('adding the same torrent again answers 200 with the existing transfer', async () => {
    const again = await client.add({ torrent: torrentBytes.toString('base64') });
    expect(again.created).toBe(false);
    expect(again.transfer.infoHash).toBe(infoHash);
    expect((await client.list()).filter((t) => t.infoHash === infoHash)).toHaveLength(1);
  });

  test('pause and resume', async () => {
    const paused = await client.pause(infoHash);
    expect(paused).toMatchObject({ state: 'paused', paused: true });
    expect((await client.list()).find((t) => t.infoHash === infoHash)?.paused).toBe(true);
    const resumed = await client.resume(infoHash);
    expect(resumed.paused).toBe(false);
    await completed(infoHash);
  });

  test('recheck verifies the data on disk again and finds it complete', async () => {
    await client.recheck(infoHash);
    const done = await completed(infoHash);
    expect(done.piecesDone).toBe(done.pieceCount);
  });

  test('per-transfer and global limits are applied and kept', async () => {
    const detail = await client.setLimits(infoHash, {
      uploadRateLimit: 100_000,
      maxConnections: 7,
    });
    expect(detail).toMatchObject({
      uploadRateLimit: 100_000,
      downloadRateLimit: 0,
      maxConnections: 7,
    });
    const settings = await client.setSettings({ downloadRateLimit: 5_000_000 });
    expect(settings).toEqual({
      uploadRateLimit: 0,
      downloadRateLimit: 5_000_000,
      maxConnections: 0,
    });
    expect(await client.settings()).toEqual(settings);
    await client.setSettings({ downloadRateLimit: 0 });
  });

  test('remove without deleting data keeps the file; a removed event follows the last transfer event', async () => {
    await client.remove(infoHash, { deleteData: false });
    expect(await client.list()).toEqual([]);
    expect(existsSync(join(leecher.root, 'downloads', 'by-file', 'payload.bin'))).toBe(true);
    await waitFor('the removed event', () =>
      events.some((e) => e.event === 'removed' && e.data.infoHash === infoHash),
    );
    const last = events
      .filter((e) => (e.event === 'removed' ? e.data.infoHash : e.data.infoHash) === infoHash)
      .at(-1);
    expect(last).toEqual({ event: 'removed', data: { infoHash } });
    await expect(client.get(infoHash)).rejects.toMatchObject({ statusCode: 404 });
  });

  test('add by magnet: metadata from the seeder, then the data; then remove with its data', async () => {
    const saveDir = join(leecher.root, 'downloads', 'by-magnet');
    const { created, transfer } = await client.add({ magnet, saveDir });
    expect(created).toBe(true);
    expect(transfer.infoHash).toBe(infoHash);
    await completed(infoHash);
    expect((await readFile(join(saveDir, 'payload.bin'))).equals(content)).toBe(true);
    // Once the metadata is known the .torrent is kept, so a restart needs no peer to know the files.
    await waitFor('the stored metadata', () =>
      existsSync(join(leecher.config.dataDir, 'torrents', `${infoHash}.torrent`)),
    );

    await client.remove(infoHash, { deleteData: true });
    expect(existsSync(join(saveDir, 'payload.bin'))).toBe(false);
    expect(await client.list()).toEqual([]);
  });

  test('mid-transfer the detail lists pieces in progress apart from done ones; none once complete', async () => {
    const saveDir = join(leecher.root, 'downloads', 'throttled');
    await client.addFile(torrentBytes, { saveDir, paused: true });
    // Throttled so that the transfer is still running when the detail is read.
    await client.setLimits(infoHash, { downloadRateLimit: 150_000 });
    await client.resume(infoHash);
    const bytes = Math.ceil(Math.ceil(FILE_SIZE / PIECE_LENGTH) / 8);
    const midway = await waitFor('a piece in progress', async () => {
      const detail = await client.get(infoHash);
      const inProgress = Buffer.from(detail.inProgress, 'base64');
      return inProgress.some((byte) => byte !== 0) ? detail : undefined;
    });
    const done = Buffer.from(midway.bitfield, 'base64');
    const inProgress = Buffer.from(midway.inProgress, 'base64');
    expect(midway.inProgress).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(inProgress).toHaveLength(bytes);
    expect(done).toHaveLength(bytes);
    expect(inProgress.every((byte, i) => (byte & done[i]) === 0)).toBe(true);
    expect(midway.progress).toBeLessThan(1);

    await client.setLimits(infoHash, { downloadRateLimit: 0 });
    await completed(infoHash);
    const complete = await client.get(infoHash);
    expect(Buffer.from(complete.bitfield, 'base64')).toEqual(allPieces(complete.pieceCount));
    expect(Buffer.from(complete.inProgress, 'base64')).toEqual(Buffer.alloc(bytes));
    await client.remove(infoHash, { deleteData: true });
    expect(await client.list()).toEqual([]);
  });

  test('add by catalog URL; the transfer and its pause survive a restart', async () => {
    const url = tracker.serveTorrent(`${infoHash}.torrent`, torrentBytes);
    const saveDir = join(leecher.root, 'downloads', 'by-url');
    const { created, transfer } = await client.add({ url, saveDir });
    expect(created).toBe(true);
    await completed(infoHash);
    expect((await readFile(join(saveDir, 'payload.bin'))).equals(content)).toBe(true);
    await client.pause(infoHash);
    await client.setLimits(infoHash, { downloadRateLimit: 123_456 });

    stopEvents.abort();
    await leecher.stop();
    leecher = await startTestAgent({}, leecher.root);
    client = new AgentClient({ baseUrl: leecher.apiUrl, token: leecher.token });
    const restored = await client.get(infoHash);
    expect(restored).toMatchObject({
      infoHash,
      saveDir,
      paused: true,
      state: 'paused',
      addedAt: transfer.addedAt,
      downloadRateLimit: 123_456,
    });
    await client.resume(infoHash);
    const done = await completed(infoHash);
    expect(done.piecesDone).toBe(done.pieceCount);
  });

  test('bad sources get clear errors', async () => {
    await expect(
      client.add({ url: `${tracker.url}/torrents/missing.torrent` }),
    ).rejects.toMatchObject({
      statusCode: 502,
      message: expect.stringMatching(/HTTP 404/),
    });
    await expect(
      client.add({ torrent: Buffer.from('not bencode').toString('base64') }),
    ).rejects.toBeInstanceOf(AgentApiError);
    await expect(
      client.add({ torrent: Buffer.from('not bencode').toString('base64') }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});
