import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test-support/errors.js';
import {
  announce,
  parseAnnounceResponse,
  percentEncodeBytes,
  scrape,
  scrapeUrlFor,
  TrackerError,
  type AnnounceRequest,
} from '../src/index.js';
import { bencode, compactPeer, percentDecode, TrackerTestServer } from './tracker-server.js';

// Every byte class: unreserved letters/digits/-._~, reserved (%, &, =, +, /), NUL, high bytes.
const INFO_HASH = Buffer.from('00ff41612d2e5f7e25263d2b2f20807f9a3c3f23', 'hex');
const PEER_ID = Buffer.from('-SH0100-\x01\x02abcdefghij', 'latin1');

function request(overrides: Partial<AnnounceRequest> = {}): AnnounceRequest {
  return {
    infoHash: INFO_HASH,
    peerId: PEER_ID,
    port: 6881,
    uploaded: 10,
    downloaded: 2 ** 40,
    left: 12345,
    event: 'started',
    numwant: 50,
    key: 'k1',
    ...overrides,
  };
}

const trackerError = (promise: Promise<unknown>) => rejectionOf(TrackerError, promise);

let server: TrackerTestServer;
beforeEach(async () => {
  server = await new TrackerTestServer().listen();
});
afterEach(async () => {
  await server.close();
});

describe('announce over HTTP', () => {
  test('sends BEP 3 parameters with binary values percent-encoded byte by byte', async () => {
    await announce(server.url(), request({ trackerId: 'tid\xff' }));
    const seen = server.requests[0]!;
    expect(seen.path).toBe('/announce');
    expect(seen.param('info_hash')).toBe('%00%FFAa-._~%25%26%3D%2B%2F%20%80%7F%9A%3C%3F%23');
    expect(seen.bytes('info_hash')).toEqual(INFO_HASH);
    expect(seen.bytes('peer_id')).toEqual(PEER_ID);
    expect(seen.param('compact')).toBe('1');
    expect(seen.param('port')).toBe('6881');
    expect(seen.param('uploaded')).toBe('10');
    expect(seen.param('downloaded')).toBe('1099511627776');
    expect(seen.param('left')).toBe('12345');
    expect(seen.param('event')).toBe('started');
    expect(seen.param('numwant')).toBe('50');
    expect(seen.param('key')).toBe('k1');
    expect(seen.bytes('trackerid')).toEqual(Buffer.from('tid\xff', 'latin1'));
  });

  test('keeps a query already in the announce URL (passkeys)', async () => {
    await announce(server.url('/announce.php?passkey=s3cr%2Bt'), request({ event: undefined }));
    const seen = server.requests[0]!;
    expect(seen.path).toBe('/announce.php');
    expect(seen.rawQuery[0]).toEqual(['passkey', 's3cr%2Bt']);
    expect(seen.param('event')).toBeUndefined();
  });

  test('parses compact IPv4 peers, BEP 7 peers6 and the optional fields', async () => {
    const v6 = Buffer.alloc(18);
    v6.write('20010db8000000000000000000000001', 'hex');
    v6.writeUInt16BE(51413, 16);
    server.handler = () => ({
      body: bencode({
        interval: 900,
        'min interval': 60,
        complete: 3,
        incomplete: 7,
        'tracker id': Buffer.from('abc'),
        'warning message': 'slow down',
        peers: Buffer.concat([compactPeer('127.0.0.1', 6881), compactPeer('10.1.2.3', 65535)]),
        peers6: v6,
      }),
    });
    expect(await announce(server.url(), request())).toEqual({
      interval: 900,
      minInterval: 60,
      complete: 3,
      incomplete: 7,
      trackerId: 'abc',
      warning: 'slow down',
      peers: [
        { ip: '127.0.0.1', port: 6881 },
        { ip: '10.1.2.3', port: 65535 },
        { ip: '2001:db8::1', port: 51413 },
      ],
    });
  });

  test('parses the dictionary peer list, skipping unusable entries', async () => {
    const id = Buffer.alloc(20, 7);
    server.handler = () => ({
      body: bencode({
        interval: 1800,
        peers: [
          { ip: '192.168.1.5', port: 6881, 'peer id': id },
          { ip: '::1', port: 7000 },
          { ip: 'not-an-ip.example', port: 1 },
          { ip: '1.2.3.4', port: 0 },
          { ip: '1.2.3.4', port: 70000 },
          { port: 5 },
          7,
        ],
      }),
    });
    const res = await announce(server.url(), request());
    expect(res.peers).toEqual([
      { ip: '192.168.1.5', port: 6881, peerId: id },
      { ip: '::1', port: 7000 },
    ]);
  });

  test('a failure reason becomes TrackerError FAILURE, also when sent with HTTP 400', async () => {
    server.handler = () => ({ body: bencode({ 'failure reason': 'unregistered torrent' }) });
    let err = await trackerError(announce(server.url(), request()));
    expect(err.code).toBe('FAILURE');
    expect(err.message).toBe('unregistered torrent');
    server.handler = () => ({ status: 400, body: bencode({ 'failure reason': 'bad port' }) });
    err = await trackerError(announce(server.url(), request()));
    expect([err.code, err.message]).toEqual(['FAILURE', 'bad port']);
  });

  test.each([
    ['HTML', '<html>502 Bad Gateway</html>', 'BAD_RESPONSE'],
    ['truncated bencode', 'd8:intervali1800e5:peers', 'BAD_RESPONSE'],
    ['a list', 'li1ee', 'BAD_RESPONSE'],
    ['compact peers of a bad length', 'd8:intervali1800e5:peers5:abcdee', 'BAD_RESPONSE'],
    ['peers6 of a bad length', 'd8:intervali1800e6:peers63:abce', 'BAD_RESPONSE'],
    ['peers of another type', 'd8:intervali1800e5:peersi5ee', 'BAD_RESPONSE'],
    ['a negative interval', 'd8:intervali-5ee', 'BAD_RESPONSE'],
    ['empty', '', 'BAD_RESPONSE'],
  ])('garbage (%s) gives a typed error', async (_name, body, code) => {
    server.handler = () => ({ body });
    expect((await trackerError(announce(server.url(), request()))).code).toBe(code);
  });

  test('a non-2xx answer without a failure reason is HTTP_STATUS', async () => {
    server.handler = () => ({ status: 503, body: 'maintenance' });
    const err = await trackerError(announce(server.url(), request()));
    expect(err.code).toBe('HTTP_STATUS');
    expect(err.message).toContain('503');
  });

  test('a tracker that never answers times out', async () => {
    server.handler = () => 'hang';
    const err = await trackerError(announce(server.url(), request(), { timeoutMs: 200 }));
    expect(err.code).toBe('TIMEOUT');
  });

  test('an abort signal cancels the announce', async () => {
    server.handler = () => 'hang';
    const controller = new AbortController();
    const pending = announce(server.url(), request(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await trackerError(pending)).code).toBe('ABORTED');
  });

  test('answers over the size limit are refused, declared or streamed', async () => {
    const big = bencode({ interval: 1800, peers: Buffer.alloc(6 * 1000) });
    server.handler = () => ({ body: big });
    let err = await trackerError(announce(server.url(), request(), { maxResponseBytes: 1000 }));
    expect(err.code).toBe('TOO_LARGE');
    // Without Content-Length (chunked), the limit is enforced while reading.
    server.handler = () => ({ body: big, headers: { 'transfer-encoding': 'chunked' } });
    err = await trackerError(announce(server.url(), request(), { maxResponseBytes: 1000 }));
    expect(err.code).toBe('TOO_LARGE');
  });

  test('a closed connection or refused port is NETWORK', async () => {
    server.handler = () => 'destroy';
    expect((await trackerError(announce(server.url(), request()))).code).toBe('NETWORK');
    const closed = await new TrackerTestServer().listen();
    const url = closed.url();
    await closed.close();
    expect((await trackerError(announce(url, request()))).code).toBe('NETWORK');
  });

  test('redirects are followed', async () => {
    server.handler = (req) =>
      req.path === '/old'
        ? {
            status: 302,
            body: '',
            headers: {
              location: `/announce?${req.rawQuery.map(([k, v]) => `${k}=${v}`).join('&')}`,
            },
          }
        : { body: bencode({ interval: 42, peers: compactPeer('1.2.3.4', 80) }) };
    const res = await announce(server.url('/old'), request());
    expect(res.interval).toBe(42);
    expect(server.requestsTo('/announce')[0]!.bytes('info_hash')).toEqual(INFO_HASH);
  });

  test('unsupported schemes and bad URLs are typed errors without network use', async () => {
    expect((await trackerError(announce('wss://127.0.0.1:1/announce', request()))).code).toBe(
      'UNSUPPORTED_PROTOCOL',
    );
    expect((await trackerError(announce('not a url', request()))).code).toBe('BAD_URL');
  });

  test('a missing interval falls back to 30 minutes', () => {
    expect(parseAnnounceResponse(bencode({ peers: Buffer.alloc(0) })).interval).toBe(1800);
  });

  test('percentEncodeBytes leaves exactly the unreserved characters', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const encoded = percentEncodeBytes(all);
    const kept = encoded.replace(/%[0-9A-F]{2}/g, '');
    expect(kept).toBe('-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~');
    expect(percentDecode(encoded)).toEqual(all);
  });
});

describe('scrape', () => {
  test.each([
    ['http://example.com/announce', 'http://example.com/scrape'],
    ['http://example.com/x/announce', 'http://example.com/x/scrape'],
    ['http://example.com/announce.php', 'http://example.com/scrape.php'],
    ['http://example.com/announce?x2%0644', 'http://example.com/scrape?x2%0644'],
    [
      'https://example.com:8443/p/announce?passkey=1',
      'https://example.com:8443/p/scrape?passkey=1',
    ],
  ])('BEP 48: %s -> %s', (from, to) => {
    expect(scrapeUrlFor(from).toString()).toBe(to);
  });

  test.each([
    'http://example.com/a',
    'http://example.com/x%064announce',
    'http://example.com/announce/x',
  ])('BEP 48: %s has no scrape URL', (url) => {
    expect(() => scrapeUrlFor(url)).toThrow(
      expect.objectContaining({ code: 'SCRAPE_UNSUPPORTED' }),
    );
  });

  test('asks for several info hashes and maps the binary keys to hex', async () => {
    const other = Buffer.alloc(20, 0x25);
    const unknown = Buffer.alloc(20, 0xee);
    server.handler = (req) => {
      const hashes = req.rawQuery.filter(([k]) => k === 'info_hash').map(([, v]) => v);
      expect(hashes).toHaveLength(3);
      return {
        body: bencode({
          files: {
            [INFO_HASH.toString('latin1')]: { complete: 5, incomplete: 2, downloaded: 40 },
            [other.toString('latin1')]: { complete: 1, incomplete: 0, downloaded: 1 },
          },
        }),
      };
    };
    const result = await scrape(server.url('/announce'), [INFO_HASH, other, unknown]);
    expect(server.requests[0]!.path).toBe('/scrape');
    expect([...result.entries()]).toEqual([
      [INFO_HASH.toString('hex'), { complete: 5, incomplete: 2, downloaded: 40 }],
      [other.toString('hex'), { complete: 1, incomplete: 0, downloaded: 1 }],
    ]);
  });

  test('a scrape failure reason or garbage is a typed error', async () => {
    server.handler = () => ({ body: bencode({ 'failure reason': 'scrape disabled' }) });
    expect((await trackerError(scrape(server.url(), [INFO_HASH]))).code).toBe('FAILURE');
    server.handler = () => ({ body: bencode({ nofiles: 1 }) });
    expect((await trackerError(scrape(server.url(), [INFO_HASH]))).code).toBe('BAD_RESPONSE');
  });
});
