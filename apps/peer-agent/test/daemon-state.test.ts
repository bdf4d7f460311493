import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { StateStore, type TransferRecord } from '../src/daemon/state/state-store.js';
import { TransferEvents } from '../src/daemon/transfers/transfer-events.js';
import type { AgentEvent, Transfer } from '@swarmhub/api-types';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hashA = 'a'.repeat(40);
const hashB = 'b'.repeat(40);

function record(infoHash: string, extra: Partial<TransferRecord> = {}): TransferRecord {
  return {
    infoHash,
    source: { kind: 'torrent' },
    saveDir: '/downloads',
    paused: false,
    limits: {},
    addedAt: '2026-11-28T08:00:00.000Z',
    ...extra,
  };
}

describe('state store', () => {
  test('every change is on disk when its promise resolves, and a new store reads it back', async () => {
    const store = new StateStore(dir);
    await store.load();
    await store.add(record(hashA), Buffer.from('d4:infod4:name1:xee'));
    await store.add(
      record(hashB, { source: { kind: 'magnet', magnet: `magnet:?xt=urn:btih:${hashB}` } }),
    );
    await store.update(hashA, (r) => {
      r.paused = true;
      r.limits = { uploadRateLimit: 1000 };
    });
    await store.setSettings({ uploadRateLimit: 5, downloadRateLimit: 6, maxConnections: 7 });

    const reopened = new StateStore(dir);
    await reopened.load();
    expect(reopened.transfers().map((t) => t.infoHash)).toEqual([hashA, hashB]);
    expect(reopened.get(hashA)).toMatchObject({ paused: true, limits: { uploadRateLimit: 1000 } });
    expect(reopened.get(hashB)?.source).toEqual({
      kind: 'magnet',
      magnet: `magnet:?xt=urn:btih:${hashB}`,
    });
    expect(reopened.settings()).toEqual({
      uploadRateLimit: 5,
      downloadRateLimit: 6,
      maxConnections: 7,
    });
    expect((await reopened.loadTorrentFile(hashA))?.toString()).toBe('d4:infod4:name1:xee');
    expect(await reopened.loadTorrentFile(hashB)).toBeNull();
  });

  test('removal deletes the record and its .torrent; no temp files are left behind', async () => {
    const store = new StateStore(dir);
    await store.load();
    await store.add(record(hashA), Buffer.from('torrent bytes'));
    await store.remove(hashA);
    const reopened = new StateStore(dir);
    await reopened.load();
    expect(reopened.transfers()).toEqual([]);
    expect(await reopened.loadTorrentFile(hashA)).toBeNull();
    const names = [...(await readdir(dir)), ...(await readdir(join(dir, 'torrents')))];
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('concurrent changes all land, in order', async () => {
    const store = new StateStore(dir);
    await store.load();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.add(record(i.toString(16).padStart(40, '0')))),
    );
    const saved = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as {
      transfers: unknown[];
    };
    expect(saved.transfers).toHaveLength(20);
  });

  test('a magnet transfer becomes a torrent transfer once its metadata is stored', async () => {
    const store = new StateStore(dir);
    await store.load();
    await store.add(
      record(hashB, { source: { kind: 'magnet', magnet: `magnet:?xt=urn:btih:${hashB}` } }),
    );
    await store.storeMetadata(hashB, Buffer.from('metadata'));
    const reopened = new StateStore(dir);
    await reopened.load();
    expect(reopened.get(hashB)?.source).toEqual({ kind: 'torrent' });
    expect((await reopened.loadTorrentFile(hashB))?.toString()).toBe('metadata');
  });

  test('an unreadable state file is moved aside, not silently overwritten', async () => {
    await writeFile(join(dir, 'state.json'), '{"version": 1, "transfers": [trunc');
    const store = new StateStore(dir);
    const { warning } = await store.load();
    expect(warning).toMatch(/unreadable/);
    expect(store.transfers()).toEqual([]);
    const aside = (await readdir(dir)).filter((n) => n.startsWith('state.json.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]), 'utf8')).toContain('trunc');
  });
});

describe('transfer events', () => {
  function transfer(infoHash: string, progress: number): Transfer {
    return {
      infoHash,
      name: 'x',
      totalLength: 1,
      state: 'downloading',
      progress,
      downloaded: 0,
      uploaded: 0,
      downloadRate: 0,
      uploadRate: 0,
      peers: 0,
      seeds: 0,
      eta: null,
      ratio: 0,
      piecesDone: 0,
      pieceCount: 1,
      saveDir: '/d',
      addedAt: '',
      paused: false,
    };
  }

  test('a burst of changes becomes one event now and one with the latest state later; removal cancels the rest', async () => {
    let progress = 0;
    const events = new TransferEvents((hash) => transfer(hash, progress), 20);
    const seen: AgentEvent[] = [];
    events.subscribe((e) => seen.push(e));
    for (let i = 1; i <= 100; i++) {
      progress = i / 100;
      events.changed(hashA);
    }
    expect(seen).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ event: 'transfer', data: { progress: 1 } });

    events.changed(hashA);
    events.changed(hashA);
    events.removed(hashA);
    const countAtRemoval = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen.length).toBe(countAtRemoval);
    expect(seen.at(-1)).toEqual({ event: 'removed', data: { infoHash: hashA } });
    events.close();
  });
});
