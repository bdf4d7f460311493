import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parseMetainfo } from '@swarmhub/metainfo';
import { freePort } from '../../../test-support/ports.js';
import { buildCli, expectOneLineError, fieldsOf, REPO_ROOT, runCli, tempDir } from './cli-run.js';

const FIXTURE = join(REPO_ROOT, 'libs', 'metainfo', 'test', 'fixtures', 'mktorrent-single.torrent');
const FIXTURE_HASH = 'b5386c33047c3fea0fc55a500bc16eefaca9a29e';

interface Upload {
  method: string;
  url: string;
  contentType: string;
  raw: Buffer;
  fields: Record<string, string>;
  file?: { name: string; type: string; bytes: Buffer };
}

/** A stand-in for the tracker catalog: records each upload, parses its multipart body and answers what the test asks for. */
let server: Server;
let base: string;
let uploads: Upload[] = [];
let answer: (upload: Upload) => { status: number; body: unknown } = () => ({
  status: 500,
  body: {},
});

async function readUpload(req: IncomingMessage): Promise<Upload> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const contentType = req.headers['content-type'] ?? '';
  const upload: Upload = {
    method: req.method ?? '',
    url: req.url ?? '',
    contentType,
    raw,
    fields: {},
  };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    }).formData();
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') upload.fields[key] = value;
      else
        upload.file = {
          name: value.name,
          type: value.type,
          bytes: Buffer.from(await value.arrayBuffer()),
        };
    }
  }
  return upload;
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  buildCli();
  tmp = tempDir('publish');
  server = createServer((req, res) => {
    readUpload(req).then(
      (upload) => {
        uploads.push(upload);
        const { status, body } = answer(upload);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      (err: Error) => {
        res.writeHead(599);
        res.end(err.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  tmp?.remove();
});
beforeEach(() => {
  uploads = [];
});

const created = (u: Upload) => ({
  status: 201,
  body: {
    infoHash: parseMetainfo(u.file!.bytes).infoHash,
    title: u.fields.title,
    name: 'x',
    magnet: 'magnet:?',
    torrentUrl: '/x',
  },
});

describe('peer-agent publish', () => {
  test('uploads the file as multipart field "torrent" with the catalog fields and prints the address', async () => {
    answer = created;
    const r = await runCli([
      'publish',
      FIXTURE,
      '--api',
      `${base}/`,
      '--title',
      'My upload',
      '--description',
      'déjà vu, “quoted”; a=b&c',
      '--category',
      'video',
      '--tags',
      'a,b',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`published: ${base}/api/v1/torrents/${FIXTURE_HASH}\n`);
    expect(uploads).toHaveLength(1);
    const u = uploads[0]!;
    expect([u.method, u.url]).toEqual(['POST', '/api/v1/torrents']);
    expect(u.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(u.raw.toString('latin1')).toContain(
      'Content-Disposition: form-data; name="torrent"; filename="mktorrent-single.torrent"',
    );
    expect(u.file!.bytes.equals(readFileSync(FIXTURE))).toBe(true);
    expect(u.file!.type).toBe('application/x-bittorrent');
    expect(u.fields).toEqual({
      title: 'My upload',
      description: 'déjà vu, “quoted”; a=b&c',
      category: 'video',
      tags: 'a,b',
    });
  });

  test('the title defaults to the torrent name; empty fields are not sent', async () => {
    answer = created;
    const r = await runCli(['publish', FIXTURE, '--api', base]);
    expect(r.code).toBe(0);
    expect(uploads[0]!.fields).toEqual({ title: 'single.bin' });
  });

  test('409: already in the catalog, prints the existing address and succeeds', async () => {
    answer = () => ({
      status: 409,
      body: {
        statusCode: 409,
        message: 'This torrent is already in the catalog',
        infoHash: FIXTURE_HASH,
        existing: `/api/v1/torrents/${FIXTURE_HASH}`,
      },
    });
    const r = await runCli(['publish', FIXTURE, '--api', base]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`already in the catalog: ${base}/api/v1/torrents/${FIXTURE_HASH}\n`);
  });

  test.each<[string, number, unknown, RegExp]>([
    [
      '400 with the parser message',
      400,
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'info.pieces length 39 is not a multiple of 20',
      },
      /^peer-agent: the tracker refused the torrent: info\.pieces length 39 is not a multiple of 20$/,
    ],
    [
      '400 with a list of validation messages',
      400,
      { statusCode: 400, message: ['title is too long', 'tags must be short'] },
      /refused the torrent: title is too long; tags must be short$/,
    ],
    [
      '413',
      413,
      { statusCode: 413, message: 'File too large' },
      /refused the torrent as too large: File too large$/,
    ],
    [
      '500',
      500,
      { statusCode: 500, message: 'Internal server error' },
      /answered HTTP 500: Internal server error$/,
    ],
  ])('%s: one clear line, exit 1', async (_title, status, body, message) => {
    answer = () => ({ status, body });
    const r = await runCli(['publish', FIXTURE, '--api', base]);
    expect(expectOneLineError(r)).toMatch(message);
  });

  test('an unreachable tracker, a bad URL and a broken torrent fail before or without uploading', async () => {
    const deadPort = await freePort();
    expect(
      expectOneLineError(
        await runCli(['publish', FIXTURE, '--api', `http://127.0.0.1:${deadPort}`]),
      ),
    ).toMatch(
      new RegExp(`cannot reach the tracker at http://127.0.0.1:${deadPort}: .*ECONNREFUSED`),
    );
    expect(expectOneLineError(await runCli(['publish', FIXTURE, '--api', 'not a url']))).toMatch(
      /--api must be the tracker's base URL/,
    );
    const broken = join(tmp.dir, 'broken.torrent');
    writeFileSync(broken, 'd4:infoi1ee');
    answer = created;
    expect(expectOneLineError(await runCli(['publish', broken, '--api', base]))).toMatch(
      /broken\.torrent is not a valid torrent: info is an integer/,
    );
    expect(uploads).toHaveLength(0);
  });
});

describe('peer-agent create --publish', () => {
  test('creates, writes and publishes in one go', async () => {
    answer = created;
    const content = join(tmp.dir, 'video.bin');
    writeFileSync(content, Buffer.alloc(20_000, 9));
    const out = join(tmp.dir, 'video.torrent');
    const r = await runCli([
      'create',
      content,
      '-t',
      'http://127.0.0.1:6969/announce',
      '--out',
      out,
      '--publish',
      base,
      '--title',
      'A video',
      '--category',
      'video',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const hash = fieldsOf(r.stdout).get('info hash');
    expect(r.stdout).toContain(`published: ${base}/api/v1/torrents/${hash}\n`);
    expect(uploads[0]!.file!.bytes.equals(readFileSync(out))).toBe(true);
    expect(uploads[0]!.fields).toEqual({ title: 'A video', category: 'video' });
  });

  test('says the torrent was written when publishing fails', async () => {
    answer = () => ({
      status: 400,
      body: { statusCode: 400, message: 'private torrents are not accepted here' },
    });
    const content = join(tmp.dir, 'other.bin');
    writeFileSync(content, Buffer.alloc(1000, 1));
    const out = join(tmp.dir, 'other.torrent');
    const r = await runCli([
      'create',
      content,
      '-t',
      'http://127.0.0.1:6969/announce',
      '--out',
      out,
      '--publish',
      base,
    ]);
    expect(expectOneLineError(r)).toBe(
      `peer-agent: wrote ${out}, but publishing failed: the tracker refused the torrent: private torrents are not accepted here`,
    );
  });
});
