import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  ResumeError,
  ResumeStore,
  writeFileAtomic,
  type AtomicFileSystem,
  type ResumeData,
} from '../src/resume/index.js';
import { ResumeWriter } from '../src/resume-writer.js';
import { MemoryStorage } from '../src/storage/index.js';

const HASH = 'a'.repeat(40);

function sample(overrides: Partial<ResumeData> = {}): ResumeData {
  return {
    infoHash: HASH,
    bitfield: Buffer.from([0b1010_0000, 0b1110_0000]), // 11 pieces: 0, 2, 8, 9, 10
    pieceCount: 11,
    uploaded: 12345,
    downloaded: 2 ** 40,
    savedAt: '2026-11-28T08:00:00.000Z',
    ...overrides,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'swarmhub-resume-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('ResumeStore', () => {
  test('save then load round trips, into a directory created on demand', async () => {
    const store = new ResumeStore(path.join(dir, 'nested', 'resume'));
    expect(await store.load(HASH)).toBeNull();
    await store.save(sample());
    expect(await store.load(HASH)).toEqual(sample());
    await store.save(sample({ uploaded: 99, bitfield: Buffer.from([0xff, 0xe0]) }));
    const again = await store.load(HASH);
    expect(again?.uploaded).toBe(99);
    expect(again?.bitfield).toEqual(Buffer.from([0xff, 0xe0]));
    expect(await fs.readdir(path.join(dir, 'nested', 'resume'))).toEqual([`${HASH}.resume`]);
  });

  test('concurrent saves apply in call order', async () => {
    const store = new ResumeStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(sample({ uploaded: i }))));
    expect((await store.load(HASH))?.uploaded).toBe(19);
    expect(await fs.readdir(dir)).toEqual([`${HASH}.resume`]);
  });

  describe('a damaged resume file loads as null, never a crash', () => {
    const damage: Array<[string, (text: string) => string | Buffer]> = [
      ['empty', () => ''],
      ['truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
      ['binary garbage', () => randomBytes(300)],
      ['JSON but not an object', () => '[1,2,3]'],
      ['null', () => 'null'],
      [
        'bitfield of the wrong length',
        (t) => edit(t, { bitfield: Buffer.from([0xa0]).toString('base64') }),
      ],
      [
        'spare bits set',
        (t) => edit(t, { bitfield: Buffer.from([0xa0, 0xe1]).toString('base64') }),
      ],
      [
        'a flipped piece (checksum no longer matches)',
        (t) => edit(t, { bitfield: Buffer.from([0xa0, 0xc0]).toString('base64') }),
      ],
      ['another torrent', (t) => edit(t, { infoHash: 'b'.repeat(40) })],
      ['negative totals', (t) => edit(t, { uploaded: -1 })],
      ['piece count absurd', (t) => edit(t, { pieceCount: 2 ** 40 })],
      ['non-canonical base64', (t) => edit(t, { bitfield: 'o+A=!' })],
      ['unknown version', (t) => edit(t, { version: 2 })],
      ['checksum removed', (t) => edit(t, { checksum: undefined })],
    ];
    test.each(damage)('%s', async (_name, corrupt) => {
      const invalid: string[] = [];
      const store = new ResumeStore(dir, { onInvalid: (_h, reason) => invalid.push(reason) });
      await store.save(sample());
      const file = path.join(dir, `${HASH}.resume`);
      await fs.writeFile(file, corrupt(await fs.readFile(file, 'utf8')));
      expect(await store.load(HASH)).toBeNull();
      expect(invalid).toHaveLength(1);
    });

    test('a file far larger than any resume file is not read', async () => {
      const store = new ResumeStore(dir);
      await fs.writeFile(path.join(dir, `${HASH}.resume`), Buffer.alloc(17 << 20, 0x20));
      expect(await store.load(HASH)).toBeNull();
    });

    function edit(text: string, changes: Record<string, unknown>): string {
      return JSON.stringify({ ...JSON.parse(text), ...changes });
    }
  });

  test('info hashes that are not canonical hex are refused (they become file names)', async () => {
    const store = new ResumeStore(dir);
    for (const bad of ['../../etc/passwd', 'A'.repeat(40), 'a'.repeat(39), '']) {
      await expect(store.load(bad)).rejects.toMatchObject({ code: 'BAD_INFO_HASH' });
      await expect(store.save(sample({ infoHash: bad }))).rejects.toBeInstanceOf(ResumeError);
    }
    expect(await fs.readdir(dir)).toEqual([]);
  });

  test('inconsistent data is refused on save', async () => {
    const store = new ResumeStore(dir);
    await expect(store.save(sample({ pieceCount: 30 }))).rejects.toMatchObject({
      code: 'BAD_DATA',
    });
    await expect(store.save(sample({ uploaded: 1.5 }))).rejects.toMatchObject({ code: 'BAD_DATA' });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  test('.torrent files round trip and remove clears everything of that torrent only', async () => {
    const store = new ResumeStore(dir);
    const other = 'c'.repeat(40);
    const torrent = randomBytes(5000);
    expect(await store.loadTorrentFile(HASH)).toBeNull();
    await store.saveTorrentFile(HASH, torrent);
    await store.save(sample());
    await store.save(sample({ infoHash: other }));
    // What a kill -9 between write and rename leaves behind:
    await fs.writeFile(path.join(dir, `.${HASH}.resume.123.abcdef.tmp`), 'half');
    expect(await store.loadTorrentFile(HASH)).toEqual(torrent);
    await store.remove(HASH);
    expect(await fs.readdir(dir)).toEqual([`${other}.resume`]);
    expect(await store.load(HASH)).toBeNull();
    await store.remove(HASH); // removing twice is fine
  });
});

describe('writeFileAtomic', () => {
  function failing(step: 'write' | 'sync' | 'rename'): AtomicFileSystem {
    return {
      open: (async (...args: Parameters<typeof fs.open>) => {
        const fh = await fs.open(...args);
        if (step === 'write') {
          fh.writeFile = async (data: unknown) => {
            // Half the bytes reach the temp file, then the disk fills up.
            const buf = Buffer.from(data as Buffer);
            await fs.appendFile(fh, buf.subarray(0, buf.length >> 1));
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          };
        }
        if (step === 'sync') fh.sync = async () => Promise.reject(new Error('EIO'));
        return fh;
      }) as typeof fs.open,
      rename: (async (from, to) => {
        if (step === 'rename') throw new Error('EXDEV');
        return fs.rename(from, to);
      }) as typeof fs.rename,
      unlink: fs.unlink,
    };
  }

  test.each(['write', 'sync', 'rename'] as const)(
    'a failure at %s leaves the old content and no temp file',
    async (step) => {
      const target = path.join(dir, 'state.json');
      await writeFileAtomic(target, 'old content');
      await expect(
        writeFileAtomic(target, Buffer.alloc(100_000, 1), failing(step)),
      ).rejects.toThrow();
      expect(await fs.readFile(target, 'utf8')).toBe('old content');
      expect(await fs.readdir(dir)).toEqual(['state.json']);
    },
  );

  test('a failed ResumeStore save keeps the previous resume data loadable', async () => {
    const good = new ResumeStore(dir);
    await good.save(sample());
    const broken = new ResumeStore(dir, { fileSystem: failing('write') });
    await expect(broken.save(sample({ uploaded: 1 }))).rejects.toMatchObject({ code: 'IO' });
    expect(await good.load(HASH)).toEqual(sample());
    expect(await fs.readdir(dir)).toEqual([`${HASH}.resume`]);
  });
});

describe('ResumeWriter', () => {
  function writerOver(intervalMs: number, bytesPerSave: number) {
    const store = new ResumeStore(dir);
    const storage = new MemoryStorage(1 << 20);
    let syncs = 0;
    const sync = storage.sync.bind(storage);
    storage.sync = () => {
      syncs++;
      return sync();
    };
    let downloaded = 0;
    const writer = new ResumeWriter(
      store,
      () => ({ storage, data: sample({ downloaded }) }),
      intervalMs,
      bytesPerSave,
    );
    return {
      store,
      writer,
      syncs: () => syncs,
      wrote: (bytes: number) => {
        downloaded += bytes;
        writer.markDirty(bytes);
      },
    };
  }

  test('a save is due after the byte threshold even within the interval, and syncs before saving', async () => {
    const { store, writer, syncs, wrote } = writerOver(60_000, 1000);
    wrote(10);
    await writer.flush(); // the first save: nothing before it
    wrote(600);
    expect(writer.due()).toBe(false); // 600 bytes, a minute not passed
    wrote(400);
    expect(writer.due()).toBe(true);
    await writer.flush();
    expect(syncs()).toBe(2);
    expect((await store.load(HASH))?.downloaded).toBe(1010);
    expect(writer.due()).toBe(false); // the count starts again after a save
  });

  test('without new bytes a save is due only once the interval has passed', async () => {
    const { writer, wrote } = writerOver(4000, 1000);
    wrote(1);
    await writer.flush();
    writer.markDirty();
    expect(writer.due(Date.now() + 1000)).toBe(false);
    expect(writer.due(Date.now() + 4001)).toBe(true);
  });
});
