import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentClient } from '../src/client/agent-client.js';
import { AgentError } from '../src/daemon/agent-error.js';
import { fetchTorrentFile } from '../src/daemon/transfers/fetch-torrent.js';
import { removeTestDir, startTestAgent, type TestAgent } from './daemon-support/agent-harness.js';
import { waitFor } from '../../../test-support/wait.js';

// The event stream as the web app reads it (fetch with Origin and Authorization, a stream
// reader), magnet transfers that never find a peer across a restart, and the limits on what the
// agent downloads or accepts.

const hashA = '1'.repeat(40);
const hashB = '2'.repeat(40);

let agent: TestAgent;
let client: AgentClient;

beforeAll(async () => {
  agent = await startTestAgent();
  client = new AgentClient({ baseUrl: agent.apiUrl, token: agent.token });
});

afterAll(async () => {
  await agent.stop();
  await removeTestDir(agent.root);
});

/** Reads raw SSE text from a fetch the way a browser page does, until `until` holds. */
async function readStream(until: (text: string) => boolean, act?: () => Promise<void>) {
  const controller = new AbortController();
  const response = await fetch(`${agent.apiUrl}/api/v1/events`, {
    headers: {
      Authorization: `Bearer ${agent.token}`,
      Origin: 'http://localhost:3000',
      Accept: 'text/event-stream',
    },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const acting = act?.();
  await waitFor('the expected events', async () => {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    text += decoder.decode(value, { stream: true });
    return until(text);
  });
  await acting;
  controller.abort();
  return { response, text };
}

describe('event stream', () => {
  test('starts with every transfer, then sends changes and removals; heartbeats keep it alive', async () => {
    await client.add({ magnet: `magnet:?xt=urn:btih:${hashA}&dn=first` });
    const { response, text } = await readStream(
      (t) => t.includes('event: removed') && t.includes(': heartbeat'),
      async () => {
        await client.add({ magnet: `magnet:?xt=urn:btih:${hashB}&dn=second`, paused: true });
        await client.remove(hashB);
      },
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({
      event: m[1],
      data: JSON.parse(m[2]) as { infoHash: string; name?: string; paused?: boolean },
    }));
    expect(events[0]).toMatchObject({
      event: 'transfer',
      data: { infoHash: hashA, name: 'first' },
    });
    const aboutB = events.filter((e) => e.data.infoHash === hashB);
    expect(aboutB[0]).toMatchObject({ event: 'transfer', data: { name: 'second', paused: true } });
    expect(aboutB.at(-1)).toEqual({ event: 'removed', data: { infoHash: hashB } });
  });

  test('the typed client parses the same stream', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of client.events(controller.signal)) {
      seen.push(`${event.event} ${event.data.infoHash}`);
      if (seen.length === 1) controller.abort();
    }
    expect(seen).toEqual([`transfer ${hashA}`]);
  });

  test('the stream needs the token like everything else', async () => {
    const response = await fetch(`${agent.apiUrl}/api/v1/events`);
    expect(response.status).toBe(401);
  });
});

describe('restart', () => {
  test('stopping the agent ends open event streams instead of waiting for them', async () => {
    const response = await fetch(`${agent.apiUrl}/api/v1/events`, {
      headers: { Authorization: `Bearer ${agent.token}` },
    });
    const reader = response.body!.getReader();
    await reader.read();
    await agent.stop();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
    agent = await startTestAgent({}, agent.root);
    client = new AgentClient({ baseUrl: agent.apiUrl, token: agent.token });
  });

  test('a magnet transfer still waiting for metadata comes back as a magnet, paused state kept', async () => {
    await client.add({ magnet: `magnet:?xt=urn:btih:${hashB}&dn=waiting`, paused: true });
    await agent.stop();
    agent = await startTestAgent({}, agent.root);
    client = new AgentClient({ baseUrl: agent.apiUrl, token: agent.token });
    const list = await client.list();
    expect(list.map((t) => t.infoHash).sort()).toEqual([hashA, hashB]);
    expect(list.find((t) => t.infoHash === hashA)).toMatchObject({
      name: 'first',
      state: 'metadata',
      paused: false,
    });
    expect(list.find((t) => t.infoHash === hashB)).toMatchObject({
      name: 'waiting',
      state: 'paused',
      paused: true,
    });
    await expect(client.recheck(hashA)).rejects.toMatchObject({ statusCode: 409 });
  });
});

describe('a stored transfer the engine cannot take back', () => {
  test('is listed as an error, refuses everything but removal, and removal forgets it', async () => {
    await agent.stop();
    // The .torrent kept for it is damaged (by hand, by a disk fault): it cannot be loaded.
    await writeFile(join(agent.config.dataDir, 'torrents', `${hashB}.torrent`), 'd4:infoi1ee');
    agent = await startTestAgent({}, agent.root);
    client = new AgentClient({ baseUrl: agent.apiUrl, token: agent.token });
    const broken = (await client.list()).find((t) => t.infoHash === hashB);
    expect(broken).toMatchObject({
      state: 'error',
      paused: true,
      error: expect.stringMatching(/could not be restored/),
    });
    expect((await client.list()).find((t) => t.infoHash === hashA)?.state).toBe('metadata');
    expect(await client.get(hashB)).toMatchObject({ state: 'error', files: [], peers: [] });
    await expect(client.resume(hashB)).rejects.toMatchObject({ statusCode: 409 });
    await expect(client.remove(hashB, { deleteData: true })).rejects.toMatchObject({
      statusCode: 409,
    });
    await client.remove(hashB);
    expect((await client.list()).map((t) => t.infoHash)).toEqual([hashA]);

    await agent.stop();
    agent = await startTestAgent({}, agent.root);
    client = new AgentClient({ baseUrl: agent.apiUrl, token: agent.token });
    expect((await client.list()).map((t) => t.infoHash)).toEqual([hashA]);
  });
});

describe('limits on what the agent accepts and fetches', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/huge-declared') {
        res.setHeader('Content-Length', String(50 * 1024 * 1024));
        res.write(Buffer.alloc(1024));
        return; // never finishes: the declared length alone must be enough to refuse
      }
      if (req.url === '/endless') {
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = () => {
          while (res.write(chunk)) {
            if (res.destroyed) return;
          }
          res.once('drain', pump);
        };
        pump();
        return;
      }
      if (req.url === '/silent') return; // answers nothing, ever
      res.statusCode = 404;
      res.end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a .torrent address that is too large, endless, silent, missing or not http is refused', async () => {
    await expect(fetchTorrentFile(`${base}/huge-declared`)).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    await expect(
      fetchTorrentFile(`${base}/endless`, { maxBytes: 1024 * 1024 }),
    ).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    await expect(fetchTorrentFile(`${base}/silent`, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message: expect.stringMatching(/timed out/),
    });
    await expect(fetchTorrentFile(`${base}/missing`)).rejects.toMatchObject({
      code: 'FETCH_FAILED',
    });
    await expect(fetchTorrentFile('file:///etc/passwd')).rejects.toBeInstanceOf(AgentError);
  });

  test('through the API: 413 for a too-large address, 413 for a too-large upload', async () => {
    await expect(client.add({ url: `${base}/huge-declared` })).rejects.toMatchObject({
      statusCode: 413,
    });
    await expect(client.addFile(Buffer.alloc(11 * 1024 * 1024))).rejects.toMatchObject({
      statusCode: 413,
    });
    await expect(client.add({ url: 'ftp://example.test/x.torrent' })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});
