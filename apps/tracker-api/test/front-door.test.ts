import { connect, type Socket } from 'node:net';
import { decode, type BDict } from '@swarmhub/bencode';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTrackerHead } from '../src/announce/tracker-front-door.js';
import { announceQuery, hashOf, peerIdOf, startTestTracker, type TestTracker } from './helpers.js';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a byte stream of HTTP/1.1 responses that all carry Content-Length. */
function splitResponses(data: Buffer): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`incomplete response head: ${rest.toString('latin1')}`);
    const [statusLine, ...lines] = rest.toString('latin1', 0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length']);
    out.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.subarray(end + 4, end + 4 + length),
    });
    rest = rest.subarray(end + 4 + length);
  }
  return out;
}

/** Sends the chunks (with a pause between them) and collects everything until the server closes. */
function exchange(port: number, chunks: Array<string | Buffer>, gapMs = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close; got ${Buffer.concat(received).toString('latin1')}`));
    }, 10_000);
    socket.on('close', () => clearTimeout(timer));
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

describe('tracker front door (raw connections)', () => {
  let tracker: TestTracker;
  let port: number;
  beforeAll(async () => {
    tracker = await startTestTracker({ mode: 'open' });
    port = Number(new URL(tracker.url).port);
  });
  afterAll(() => tracker.dispose());

  test('answers pipelined announces in order, then hands the connection to the API server', async () => {
    const infoHash = hashOf('pipelined');
    const first = announceQuery({ infoHash, peerId: peerIdOf('p1'), port: 7101 });
    const second = announceQuery({
      infoHash,
      peerId: peerIdOf('p2'),
      port: 7102,
      left: 0,
      event: 'completed',
    });
    const third = announceQuery({ infoHash, peerId: peerIdOf('p3'), port: 7103 });
    const data = await exchange(port, [
      get(`/announce?${first}`) +
        get(`/announce?${second}`) +
        get(`/announce?${third}`) +
        get('/api/v1/stats', 'Connection: close\r\n'),
    ]);
    const responses = splitResponses(data);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const [a, b, c] = responses.slice(0, 3).map((r) => decode(r.body) as BDict);
    expect(a.incomplete).toBe(1);
    expect(b).toMatchObject({ complete: 1, incomplete: 1 });
    expect(c).toMatchObject({ complete: 1, incomplete: 2 });
    expect(responses[0].headers['connection']).toBe('keep-alive');
    expect(responses[3].headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(responses[3].body.toString())).toMatchObject({ completions: 1 });
  });

  test('puts together a request head that arrives a few bytes at a time', async () => {
    const request = get(
      `/announce?${announceQuery({ infoHash: hashOf('trickle'), peerId: peerIdOf('t') })}`,
      'Connection: close\r\n',
    );
    const pieces: string[] = [];
    for (let i = 0; i < request.length; i += 7) pieces.push(request.slice(i, i + 7));
    const [response] = splitResponses(await exchange(port, pieces, 2));
    expect(response.headers['connection']).toBe('close');
    expect(decode(response.body)).toMatchObject({ incomplete: 1, interval: 1800 });
  });

  test('closes after answering an HTTP/1.0 client that did not ask to keep the connection', async () => {
    const q = announceQuery({ infoHash: hashOf('http10'), peerId: peerIdOf('old') });
    const [response] = splitResponses(
      await exchange(port, [`GET /scrape?${q.split('&')[0]} HTTP/1.0\r\n\r\n`]),
    );
    expect(response.headers['connection']).toBe('close');
    expect(Object.keys((decode(response.body) as BDict).files as BDict)).toHaveLength(1);
  });

  test('leaves requests with a body, other methods and oversized heads to Node and Nest', async () => {
    const post = await exchange(port, [
      'POST /announce HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
    ]);
    expect(splitResponses(post)[0].status).toBe(404);
    const huge = await exchange(port, [
      `GET /announce?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ]);
    expect(huge.toString('latin1')).toMatch(/^HTTP\/1\.1 (414|431|400)/);
    const health = await fetch(`${tracker.url}/health`);
    expect(health.status).toBe(200);
  });

  test('survives clients that reset the connection mid-answer', async () => {
    const q = announceQuery({ infoHash: hashOf('resets'), peerId: peerIdOf('r') });
    await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write(get(`/announce?${q}`, i % 2 === 0 ? 'Connection: close\r\n' : ''));
              socket.resetAndDestroy();
              resolve();
            });
            socket.on('error', () => resolve());
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${tracker.url}/health`)).status).toBe(200);
  });
});

describe('parseTrackerHead', () => {
  test('reads path, query, forwarded address and persistence', () => {
    expect(
      parseTrackerHead(
        'GET /announce?a=%00 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.2.3.4\r\nx-forwarded-for: 5.6.7.8',
      ),
    ).toEqual({
      path: '/announce',
      queryString: 'a=%00',
      forwardedFor: '1.2.3.4,5.6.7.8',
      keepAlive: true,
    });
    expect(parseTrackerHead('GET /scrape HTTP/1.1\r\nConnection: Close')).toMatchObject({
      queryString: '',
      keepAlive: false,
    });
    expect(parseTrackerHead('GET /scrape HTTP/1.0\r\nConnection: keep-alive')).toMatchObject({
      keepAlive: true,
    });
  });

  test('declines everything else', () => {
    for (const head of [
      'POST /announce HTTP/1.1',
      'GET /announce/x HTTP/1.1',
      'GET /announcement HTTP/1.1',
      'GET /api/v1/stats HTTP/1.1',
      'GET /announce HTTP/2.0',
      'GET /announce HTTP/1.1\r\nContent-Length: 5',
      'GET /announce HTTP/1.1\r\nTransfer-Encoding: chunked',
      'GET /announce HTTP/1.1\r\nUpgrade: websocket',
      'GET /announce HTTP/1.1\r\nnot a header',
    ]) {
      expect(parseTrackerHead(head), head).toBeNull();
    }
    expect(parseTrackerHead('GET /announce HTTP/1.1\r\nContent-Length: 0')).not.toBeNull();
  });
});
