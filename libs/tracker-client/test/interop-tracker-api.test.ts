import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The real Swarmhub tracker, started in-process through its own test helper (which carries the
// CommonJS interop shim Express needs under vitest).
import { startTestTracker, type TestTracker } from '../../../apps/tracker-api/test/helpers.js';
import {
  announce,
  AnnounceScheduler,
  scrape,
  TrackerError,
  type AnnounceResult,
} from '../src/index.js';

function id(label: string): Buffer {
  const out = Buffer.alloc(20, 0x2d);
  Buffer.from(label).copy(out);
  return out;
}

describe('against the real tracker (apps/tracker-api)', () => {
  let tracker: TestTracker;
  let listed: TestTracker;
  beforeAll(async () => {
    tracker = await startTestTracker({ mode: 'open' });
    listed = await startTestTracker({ mode: 'listed' });
  });
  afterAll(async () => {
    await tracker?.dispose();
    await listed?.dispose();
  });

  test('two peers find each other through compact announces; scrape counts them', async () => {
    const infoHash = Buffer.from('00ff2526ab3d3f20' + 'cd'.repeat(12), 'hex');
    const url = `${tracker.url}/announce`;
    const base = { infoHash, uploaded: 0, downloaded: 0, event: 'started' as const };
    const a = await announce(url, { ...base, peerId: id('-SH0100-A'), port: 6001, left: 0 });
    expect(a.peers).toEqual([]);
    expect(a.interval).toBe(1800);
    const b = await announce(url, { ...base, peerId: id('-SH0100-B'), port: 6002, left: 100 });
    expect(b.peers).toEqual([{ ip: '127.0.0.1', port: 6001 }]);
    expect([b.complete, b.incomplete]).toEqual([1, 1]);
    const counts = await scrape(url, [infoHash]);
    expect(counts.get(infoHash.toString('hex'))).toMatchObject({ complete: 1, incomplete: 1 });
  });

  test('the scheduler announces started, completed and stopped, and the tracker follows', async () => {
    const infoHash = id('scheduler-interop');
    const url = `${tracker.url}/announce`;
    let left = 500;
    const scheduler = new AnnounceScheduler({
      announceList: [[url]],
      infoHash,
      peerId: id('-SH0100-S'),
      port: 6003,
      totals: () => ({ uploaded: 0, downloaded: 500 - left, left }),
    });
    const results: AnnounceResult[] = [];
    scheduler.on('result', (r: AnnounceResult) => results.push(r));
    scheduler.start();
    await once(scheduler, 'result');
    expect(results[0]).toMatchObject({ ok: true, event: 'started', leechers: 1, seeders: 0 });
    left = 0;
    scheduler.complete();
    await once(scheduler, 'result');
    expect(results[1]).toMatchObject({ ok: true, event: 'completed', seeders: 1, leechers: 0 });
    expect((await scrape(url, [infoHash])).get(infoHash.toString('hex'))).toMatchObject({
      complete: 1,
      downloaded: 1,
    });
    await scheduler.stop();
    expect(results[2]).toMatchObject({ ok: true, event: 'stopped' });
    const after = (await scrape(url, [infoHash])).get(infoHash.toString('hex'));
    expect(after?.complete ?? 0).toBe(0);
    expect(after?.incomplete ?? 0).toBe(0);
  });

  test("the tracker's failure reason for an unlisted torrent arrives as TrackerError FAILURE", async () => {
    const err = await announce(`${listed.url}/announce`, {
      infoHash: id('not-in-the-catalog'),
      peerId: id('-SH0100-X'),
      port: 6004,
      uploaded: 0,
      downloaded: 0,
      left: 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackerError);
    expect((err as TrackerError).code).toBe('FAILURE');
    expect((err as TrackerError).message.length).toBeGreaterThan(0);
  });
});
