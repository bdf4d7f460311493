import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  getTorrent,
  listTorrents,
  publicTorrentFileUrl,
  TrackerApiError,
  uploadTorrent,
} from '../lib/tracker-api';

// A real HTTP server on 127.0.0.1 answers as the tracker does on its error paths, so the client's
// mapping of statuses and bodies to TrackerApiError is tested over a socket.
let server: http.Server;
let seen: { method?: string; url?: string; contentType?: string }[] = [];
let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void;

beforeEach(async () => {
  seen = [];
  server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'] });
    req.resume();
    req.on('end', () => reply(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.TRACKER_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  delete process.env.TRACKER_PUBLIC_URL;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  delete process.env.TRACKER_API_URL;
  delete process.env.TRACKER_PUBLIC_URL;
});

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

test('catalog queries carry the search, filter, sort and page', async () => {
  reply = (_req, res) => json(res, 200, { items: [], total: 0, page: 2, pageSize: 20 });
  await listTorrents({
    q: 'debian iso',
    category: 'Software',
    sort: 'size',
    order: 'desc',
    page: 2,
    pageSize: 20,
  });
  expect(seen[0]!.url).toBe(
    '/api/v1/torrents?q=debian+iso&category=Software&sort=size&order=desc&page=2&pageSize=20',
  );
});

test('an unknown torrent is null, and a malformed info hash never reaches the tracker', async () => {
  reply = (_req, res) =>
    json(res, 404, { statusCode: 404, error: 'Not Found', message: 'no such torrent' });
  expect(await getTorrent('a'.repeat(40))).toBeNull();
  expect(await getTorrent('../../etc/passwd')).toBeNull();
  expect(seen).toHaveLength(1);
});

test('a duplicate upload names the torrent already in the catalog', async () => {
  const existing = 'b'.repeat(40);
  reply = (_req, res) =>
    json(res, 409, {
      statusCode: 409,
      message: `torrent ${existing} is already in the catalog`,
      infoHash: existing,
      existing: `/api/v1/torrents/${existing}`,
    });
  const form = new FormData();
  form.set('torrent', new Blob([Buffer.from('d4:infodee')]), 'x.torrent');
  const error = await uploadTorrent(form).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TrackerApiError);
  expect(error).toMatchObject({ code: 'DUPLICATE', status: 409, existingInfoHash: existing });
  expect(seen[0]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
});

test("the tracker's own message is kept, lists of messages joined, and a non-JSON error still explained", async () => {
  reply = (_req, res) =>
    json(res, 400, { statusCode: 400, message: ['title is too long', 'tags must be text'] });
  await expect(listTorrents()).rejects.toMatchObject({
    code: 'REJECTED',
    message: 'title is too long; tags must be text',
  });
  reply = (_req, res) => {
    res.writeHead(502, { 'Content-Type': 'text/html' });
    res.end('<html>bad gateway</html>');
  };
  await expect(listTorrents()).rejects.toMatchObject({
    code: 'REJECTED',
    message: 'The tracker answered HTTP 502.',
  });
});

test('a tracker that is down is reported as unreachable, with its address', async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const address = process.env.TRACKER_API_URL!.replace(/\/$/, '');
  await expect(listTorrents()).rejects.toMatchObject({
    code: 'UNREACHABLE',
    message: `The tracker at ${address} cannot be reached.`,
  });
  server = http.createServer(); // for afterEach
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

test('the .torrent address handed to agents uses the public tracker URL when set', () => {
  const infoHash = 'c'.repeat(40);
  const detail = { infoHash, torrentUrl: `/api/v1/torrents/${infoHash}/torrent` };
  expect(publicTorrentFileUrl(detail)).toBe(
    `${process.env.TRACKER_API_URL!.replace(/\/$/, '')}/api/v1/torrents/${infoHash}/torrent`,
  );
  process.env.TRACKER_PUBLIC_URL = 'https://tracker.example.org/';
  expect(publicTorrentFileUrl(detail)).toBe(
    `https://tracker.example.org/api/v1/torrents/${infoHash}/torrent`,
  );
});
