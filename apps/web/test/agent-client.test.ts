import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { AgentClient, AgentError, type AgentEvent } from '../lib/agent-client';

// A real HTTP server on 127.0.0.1 stands in for the agent's wire behaviour (status codes, the
// event stream's framing), so the client's mapping to AgentError codes is tested over sockets.
const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AgentError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('AgentClient', () => {
  test('sends the bearer token and reads the transfers', async () => {
    let authorization: string | undefined;
    const agentUrl = await serve((req, res) => {
      authorization = req.headers.authorization;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ torrents: [{ infoHash: 'ab'.repeat(20), name: 'x' }] }));
    });
    const transfers = await new AgentClient({ agentUrl, token: 'secret-token' }).listTransfers();
    expect(authorization).toBe('Bearer secret-token');
    expect(transfers.map((t) => t.name)).toEqual(['x']);
  });

  test('names each way of failing: refused token, refused origin, bad input, silence, nobody listening', async () => {
    const statusByPath: Record<string, number> = {
      '/api/v1/torrents': 401,
      '/api/v1/create': 400,
      '/api/v1/torrents/ab/pause': 403,
    };
    const agentUrl = await serve((req, res) => {
      const status = statusByPath[req.url ?? ''];
      if (status === undefined) return; // never answers
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ statusCode: status, error: 'x', message: 'told you no' }));
    });
    const client = new AgentClient({ agentUrl, token: 't' }, { timeoutMs: 300 });
    expect(await codeOf(client.listTransfers())).toBe('UNAUTHORIZED');
    expect(await codeOf(client.pause('ab'))).toBe('FORBIDDEN');
    expect(await codeOf(client.create({ path: '/x', trackers: [] }))).toBe('REJECTED');
    expect(await codeOf(client.health())).toBe('TIMEOUT');

    const closed = await serve(() => undefined);
    const closedServer = servers.pop()!;
    await new Promise((resolve) => closedServer.close(resolve));
    expect(
      await codeOf(
        new AgentClient({ agentUrl: closed, token: 't' }, { timeoutMs: 5_000 }).health(),
      ),
    ).toBe('UNREACHABLE');
  });

  test('the rejection message is the agent’s own', async () => {
    const agentUrl = await serve((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          statusCode: 400,
          error: 'Bad Request',
          message: 'path is outside the allowed roots',
        }),
      );
    });
    await expect(
      new AgentClient({ agentUrl, token: 't' }).create({ path: '/etc', trackers: [] }),
    ).rejects.toThrow('path is outside the allowed roots');
  });

  test('reads the event stream as it arrives, split anywhere, until aborted', async () => {
    let sawAuthorization: string | undefined;
    const agentUrl = await serve((req, res) => {
      sawAuthorization = req.headers.authorization;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      const body =
        ': hello\n\nevent: transfer\ndata: {"infoHash":"aa","progress":0.25}\n\n' +
        'event: transfer\ndata: {"infoHash":"aa","progress":1}\n\nevent: removed\ndata: {"infoHash":"aa"}\n\n';
      // Written in small pieces with pauses, as a real stream arrives.
      let offset = 0;
      const timer = setInterval(() => {
        if (offset >= body.length) return clearInterval(timer);
        res.write(body.slice(offset, offset + 7));
        offset += 7;
      }, 2);
      req.on('close', () => clearInterval(timer));
    });
    const events: AgentEvent[] = [];
    const controller = new AbortController();
    const done = new AgentClient({ agentUrl, token: 'tok' }).streamEvents((event) => {
      events.push(event);
      if (event.type === 'removed') controller.abort();
    }, controller.signal);
    await done;
    expect(sawAuthorization).toBe('Bearer tok');
    expect(events).toEqual([
      { type: 'transfer', transfer: { infoHash: 'aa', progress: 0.25 } },
      { type: 'transfer', transfer: { infoHash: 'aa', progress: 1 } },
      { type: 'removed', infoHash: 'aa' },
    ]);
  });

  test('the event stream resolves when the agent closes it, so the page can reconnect', async () => {
    const agentUrl = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('event: transfer\ndata: {"infoHash":"bb"}\n\n');
    });
    const events: AgentEvent[] = [];
    await new AgentClient({ agentUrl, token: 't' }).streamEvents(
      (e) => events.push(e),
      new AbortController().signal,
    );
    expect(events).toHaveLength(1);
  });
});
