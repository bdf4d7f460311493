import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  AnnounceScheduler,
  type AnnounceResult,
  type AnnounceSchedulerOptions,
} from '../src/index.js';
import { bencode, compactPeer, TrackerTestServer, type SeenRequest } from './tracker-server.js';

const INFO_HASH = Buffer.alloc(20, 0xab);
const PEER_ID = Buffer.from('-SH0100-123456789012');

let server: TrackerTestServer;
let totals: { uploaded: number; downloaded: number; left: number };
let scheduler: AnnounceScheduler | undefined;
let results: AnnounceResult[];

beforeEach(async () => {
  server = await new TrackerTestServer().listen();
  totals = { uploaded: 0, downloaded: 0, left: 1000 };
  results = [];
});
afterEach(async () => {
  vi.useRealTimers();
  await scheduler?.stop();
  scheduler = undefined;
  await server.close();
});

function create(overrides: Partial<AnnounceSchedulerOptions>): AnnounceScheduler {
  scheduler = new AnnounceScheduler({
    announceList: [[server.url()]],
    infoHash: INFO_HASH,
    peerId: PEER_ID,
    port: 6881,
    totals: () => totals,
    random: () => 0.5,
    ...overrides,
  });
  scheduler.on('result', (r: AnnounceResult) => results.push(r));
  return scheduler;
}

/** Waits (on real I/O, not on timers) until `n` announce results have been reported. */
async function resultsReach(s: AnnounceScheduler, n: number): Promise<void> {
  while (results.length < n) await once(s, 'result');
}

/** Lets the round that reported its result finish (setImmediate is not faked). */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function ok(extra: Record<string, unknown> = {}) {
  return { body: bencode({ interval: 120, peers: Buffer.alloc(0), ...extra }) };
}

function fakeClock(): void {
  // Only the scheduler's timers and clock are faked; sockets keep running on real time.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}

function delayOf(s: AnnounceScheduler): number | null {
  const at = s.nextAnnounceAt();
  return at === null ? null : at - Date.now();
}

describe('AnnounceScheduler', { timeout: 20_000 }, () => {
  test('started, then at the interval, completed once, stopped at the end', async () => {
    fakeClock();
    server.handler = (req) =>
      ok({
        complete: 2,
        incomplete: 5,
        'min interval': 60,
        'tracker id': req.param('event') === 'started' ? 'T-1' : undefined,
        peers: compactPeer('127.0.0.1', 7000),
      });
    const s = create({});
    const peers: unknown[] = [];
    s.on('peers', (p: unknown[]) => peers.push(...p));
    s.start();
    s.start(); // idempotent
    await resultsReach(s, 1);
    const first = server.requests[0]!;
    expect([first.param('event'), first.param('left'), first.param('numwant')]).toEqual([
      'started',
      '1000',
      '50',
    ]);
    expect(peers).toEqual([{ ip: '127.0.0.1', port: 7000 }]);
    expect(results[0]).toMatchObject({
      url: server.url(),
      ok: true,
      event: 'started',
      seeders: 2,
      leechers: 5,
      peers: 1,
    });
    expect(s.trackers()).toEqual([
      {
        url: server.url(),
        tier: 0,
        lastAnnounceAt: new Date().toISOString(),
        lastResult: 'ok, 1 peers',
        seeders: 2,
        leechers: 5,
      },
    ]);
    expect(delayOf(s)).toBe(120_000);

    totals = { uploaded: 7, downloaded: 500, left: 500 };
    vi.advanceTimersByTime(119_999);
    expect(server.requests).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await resultsReach(s, 2);
    const regular = server.requests[1]!;
    expect(regular.param('event')).toBeUndefined();
    expect([
      regular.param('downloaded'),
      regular.param('uploaded'),
      regular.param('trackerid'),
    ]).toEqual(['500', '7', 'T-1']);

    totals = { uploaded: 7, downloaded: 1000, left: 0 };
    s.complete();
    await resultsReach(s, 3);
    expect(server.requests[2]!.param('event')).toBe('completed');
    expect(server.requests[2]!.param('left')).toBe('0');
    s.complete();
    vi.advanceTimersByTime(120_000);
    await resultsReach(s, 4);
    expect(server.requests[3]!.param('event')).toBeUndefined();

    await s.stop();
    expect(server.requests[4]!.param('event')).toBe('stopped');
    expect(server.requests[4]!.param('numwant')).toBe('0');
    expect(s.nextAnnounceAt()).toBeNull();
    vi.advanceTimersByTime(10 * 3600_000);
    expect(server.requests).toHaveLength(5);
  });

  test("the tracker's min interval bounds early requests for peers", async () => {
    fakeClock();
    server.handler = () => ok({ 'min interval': 60 });
    const s = create({});
    s.start();
    await resultsReach(s, 1);
    await settled();
    s.requestPeers();
    expect(server.requests).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    s.requestPeers();
    await resultsReach(s, 2);
    expect(server.requests).toHaveLength(2);
    expect(delayOf(s)).toBe(120_000);
  });

  test('a tracker interval below the floor is raised to it', async () => {
    fakeClock();
    server.handler = () => ({ body: bencode({ interval: 1, peers: Buffer.alloc(0) }) });
    const s = create({ minReannounceMs: 30_000 });
    s.start();
    await resultsReach(s, 1);
    expect(delayOf(s)).toBe(30_000);
  });

  test('BEP 12: falls through failing trackers and tiers to a working one', async () => {
    server.handler = (req: SeenRequest) => {
      if (req.path === '/down/announce') return { status: 503, body: 'down' };
      if (req.path === '/garbage/announce') return { body: '<html>' };
      return ok({ peers: compactPeer('10.0.0.1', 1234) });
    };
    const peers: unknown[] = [];
    const s = create({
      announceList: [
        [server.url('/down/announce'), server.url('/garbage/announce')],
        [server.url('/good/announce')],
      ],
    });
    s.on('peers', (p: unknown[]) => peers.push(...p));
    s.start();
    await resultsReach(s, 3);
    expect(results.map((r) => [r.url.replace(/.*\d\//, '/'), r.ok, r.code])).toEqual(
      expect.arrayContaining([
        ['/down/announce', false, 'HTTP_STATUS'],
        ['/garbage/announce', false, 'BAD_RESPONSE'],
        ['/good/announce', true, undefined],
      ]),
    );
    expect(results[2]!.ok).toBe(true);
    expect(peers).toEqual([{ ip: '10.0.0.1', port: 1234 }]);
    const statuses = s.trackers();
    expect(statuses.map((t) => t.tier)).toEqual([0, 0, 1]);
    expect(statuses.find((t) => t.url.includes('/down/'))!.lastResult).toMatch(/^error: .*503/);
    expect(statuses.find((t) => t.url.includes('/good/'))!.lastResult).toBe('ok, 1 peers');
  });

  test('BEP 12: the tracker that answered moves to the front of its tier and is asked first', async () => {
    fakeClock();
    server.handler = (req: SeenRequest) =>
      req.path === '/good/announce' ? ok() : { status: 500, body: 'no' };
    const urls = ['/a/announce', '/b/announce', '/good/announce', '/c/announce'].map((p) =>
      server.url(p),
    );
    // Shuffle with random() = 0 rotates the list, so the working tracker is not first.
    const s = create({ announceList: [urls], random: () => 0 });
    s.start();
    while (!results.some((r) => r.ok)) await once(s, 'result');
    expect(s.trackers()[0]!.url).toBe(server.url('/good/announce'));
    const before = server.requests.length;
    expect(before).toBeGreaterThan(1);
    vi.advanceTimersByTime(120_000);
    await resultsReach(s, results.length + 1);
    expect(server.requests.slice(before).map((r) => [r.path, r.param('event')])).toEqual([
      ['/good/announce', undefined],
    ]);
  });

  test('when every tracker fails, retries back off exponentially up to 30 minutes', async () => {
    fakeClock();
    server.handler = () => ({ body: bencode({ 'failure reason': 'not today' }) });
    const s = create({});
    s.start();
    await resultsReach(s, 1);
    await settled();
    s.requestPeers(); // a peer-starved engine cannot bypass the backoff
    expect(server.requests).toHaveLength(1);
    const delays: number[] = [];
    for (let n = 1; n <= 10; n++) {
      await resultsReach(s, n);
      expect(results[n - 1]).toMatchObject({ ok: false, code: 'FAILURE', error: 'not today' });
      delays.push(delayOf(s)!);
      // Every retry still carries `started`, since no tracker has accepted us yet.
      expect(server.requests[n - 1]!.param('event')).toBe('started');
      vi.advanceTimersByTime(delays.at(-1)!);
    }
    expect(delays).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000, 1_800_000,
    ]);
    // Recovery: a working answer resets the backoff and the tracker's interval applies again.
    server.handler = () => ok({ interval: 300 });
    await resultsReach(s, 11);
    expect(results[10]!.ok).toBe(true);
    expect(delayOf(s)).toBe(300_000);
    server.handler = () => ({ status: 500, body: '' });
    vi.advanceTimersByTime(300_000);
    await resultsReach(s, 12);
    expect(delayOf(s)).toBe(15_000);
  });

  test('backoff has jitter of at most a quarter either way', async () => {
    fakeClock();
    server.handler = () => ({ status: 500, body: '' });
    const low = create({ random: () => 0 });
    low.start();
    await resultsReach(low, 1);
    expect(delayOf(low)).toBe(11_250);
    await low.stop();
    results = [];
    const high = create({ random: () => 0.999999 });
    high.start();
    await resultsReach(high, 1);
    expect(delayOf(high)).toBe(18_750);
  });

  test('stop does not wait long for a tracker that hangs on `stopped`', async () => {
    server.handler = (req) => (req.param('event') === 'stopped' ? 'hang' : ok());
    const s = create({ stopTimeoutMs: 300 });
    s.start();
    await resultsReach(s, 1);
    await s.stop();
    expect(results[1]).toMatchObject({ ok: false, event: 'stopped', code: 'TIMEOUT' });
  });

  test('stop during a hanging first announce aborts it and sends no `stopped`', async () => {
    server.handler = () => 'hang';
    const s = create({});
    s.start();
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await s.stop();
    expect(server.requests).toHaveLength(1);
    expect(results).toEqual([]);
    expect(s.nextAnnounceAt()).toBeNull();
  });

  test('an unsupported tracker scheme is reported and skipped', async () => {
    const s = create({ announceList: [['wss://127.0.0.1:1/announce'], [server.url()]] });
    s.start();
    await resultsReach(s, 2);
    expect(results[0]).toMatchObject({ ok: false, code: 'UNSUPPORTED_PROTOCOL' });
    expect(results[1]).toMatchObject({ ok: true });
  });

  test('no trackers: start and stop are harmless', async () => {
    const s = create({ announceList: [] });
    s.start();
    s.complete();
    await s.stop();
    expect(s.trackers()).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});
