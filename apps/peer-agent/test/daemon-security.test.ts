import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CLI_BIN,
  removeTestDir,
  startTestAgent,
  type TestAgent,
} from './daemon-support/agent-harness.js';

// Every refusal of the agent's security model (docs/interfaces.md, DESIGN.md "Agent security
// model"), against the real app listening on 127.0.0.1.

let agent: TestAgent;
let auth: string;

beforeAll(async () => {
  agent = await startTestAgent();
  auth = `Bearer ${agent.token}`;
});

afterAll(async () => {
  await agent.stop();
  await removeTestDir(agent.root);
});

function api() {
  return request(agent.apiUrl);
}

describe('token', () => {
  test('the token file is mode 0600 and holds the token the agent checks', async () => {
    const info = await stat(join(agent.config.dataDir, 'token'));
    expect(info.mode & 0o777).toBe(0o600);
    await api().get('/api/v1/health').set('Authorization', auth).expect(200);
  });

  test('a request without the token is refused with 401, on known and unknown routes alike', async () => {
    for (const path of ['/api/v1/health', '/api/v1/torrents', '/api/v1/nothing-here', '/']) {
      const res = await api().get(path).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(res.body.message).toMatch(/bearer token/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    await api().post('/api/v1/torrents').send({ magnet: 'x' }).expect(401);
    await api()
      .delete(`/api/v1/torrents/${'a'.repeat(40)}`)
      .expect(401);
  });

  test('a wrong token, or the right one under another scheme, is refused', async () => {
    const wrong = agent.token.slice(0, -1) + (agent.token.endsWith('0') ? '1' : '0');
    await api().get('/api/v1/health').set('Authorization', `Bearer ${wrong}`).expect(401);
    await api().get('/api/v1/health').set('Authorization', `Bearer ${agent.token}x`).expect(401);
    await api().get('/api/v1/health').set('Authorization', `Basic ${agent.token}`).expect(401);
    await api().get('/api/v1/health').set('Authorization', 'Bearer').expect(401);
  });

  test('with the token, health answers and unknown routes are a JSON 404', async () => {
    const health = await api().get('/api/v1/health').set('Authorization', auth).expect(200);
    expect(health.body).toEqual({
      ok: true,
      version: expect.any(String),
      peerPort: expect.any(Number),
    });
    const missing = await api().get('/api/v1/nothing-here').set('Authorization', auth).expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('Host header (DNS rebinding)', () => {
  test('a foreign host name is refused even with the right token', async () => {
    for (const bad of [
      `evil.example:${agent.port}`,
      `127.0.0.1.nip.io:${agent.port}`,
      `localhost.evil.example:${agent.port}`,
      'evil.example',
    ]) {
      const res = await api()
        .get('/api/v1/health')
        .set('Host', bad)
        .set('Authorization', auth)
        .expect(403);
      expect(res.body.message).toMatch(/Host/);
    }
  });

  test('a loopback name with another port is refused', async () => {
    await api()
      .get('/api/v1/health')
      .set('Host', `127.0.0.1:${agent.port + 1}`)
      .set('Authorization', auth)
      .expect(403);
    await api()
      .get('/api/v1/health')
      .set('Host', 'localhost')
      .set('Authorization', auth)
      .expect(403);
  });

  test('localhost, 127.0.0.1 and [::1] with the API port are accepted', async () => {
    for (const good of [
      `localhost:${agent.port}`,
      `127.0.0.1:${agent.port}`,
      `[::1]:${agent.port}`,
      `LOCALHOST:${agent.port}`,
    ]) {
      await api().get('/api/v1/health').set('Host', good).set('Authorization', auth).expect(200);
    }
  });

  test('the Host check comes before everything, also for preflights', async () => {
    await api()
      .options('/api/v1/torrents')
      .set('Host', `evil.example:${agent.port}`)
      .set('Origin', 'http://localhost:3000')
      .set('Access-Control-Request-Method', 'POST')
      .expect(403);
  });
});

describe('Origin and CORS', () => {
  test('a request from an origin not on the allow-list is refused even with the token, without CORS headers', async () => {
    for (const origin of [
      'http://evil.example',
      'http://localhost:3001',
      'null',
      'https://localhost:3000',
    ]) {
      const res = await api()
        .get('/api/v1/torrents')
        .set('Origin', origin)
        .set('Authorization', auth)
        .expect(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.body.message).toMatch(/origin/);
    }
  });

  test('an allowed origin gets its CORS header (and no credentials header: there are no cookies)', async () => {
    const res = await api()
      .get('/api/v1/torrents')
      .set('Origin', 'http://localhost:3000')
      .set('Authorization', auth)
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
    expect(res.body).toEqual({ torrents: [] });
  });

  test('an allowed origin without the token is still refused, and can read why', async () => {
    const res = await api()
      .get('/api/v1/torrents')
      .set('Origin', 'http://127.0.0.1:3000')
      .expect(401);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
  });

  test('the preflight of an allowed origin is answered, with the private-network permission when asked', async () => {
    const res = await api()
      .options('/api/v1/torrents')
      .set('Origin', 'http://localhost:3000')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type')
      .set('Access-Control-Request-Private-Network', 'true')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-private-network']).toBe('true');
  });

  test('the preflight of an evil origin is refused, with neither CORS nor private-network headers', async () => {
    const res = await api()
      .options('/api/v1/torrents')
      .set('Origin', 'http://evil.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Private-Network', 'true')
      .expect(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-private-network']).toBeUndefined();
  });

  test('a preflight without any Origin is refused', async () => {
    await api().options('/api/v1/torrents').expect(403);
  });
});

describe('paths from requests', () => {
  test('a saveDir outside the allowed roots is refused before anything is fetched or added', async () => {
    const res = await api()
      .post('/api/v1/torrents')
      .set('Authorization', auth)
      .send({ magnet: `magnet:?xt=urn:btih:${'c'.repeat(40)}`, saveDir: '/etc/swarmhub' })
      .expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect(res.body.message).toMatch(/outside the allowed roots/);
    const list = await api().get('/api/v1/torrents').set('Authorization', auth).expect(200);
    expect(list.body.torrents).toEqual([]);
  });

  test('a .. escape from an allowed root is refused', async () => {
    await api()
      .post('/api/v1/torrents')
      .set('Authorization', auth)
      .send({
        magnet: `magnet:?xt=urn:btih:${'c'.repeat(40)}`,
        saveDir: `${agent.root}/../elsewhere`,
      })
      .expect(403);
  });

  test('a path to create a torrent from outside the roots is refused', async () => {
    const res = await api()
      .post('/api/v1/create')
      .set('Authorization', auth)
      .send({ path: '/etc/hostname', trackers: [] })
      .expect(403);
    expect(res.body.message).toMatch(/outside the allowed roots/);
  });

  test('a relative path is refused', async () => {
    await mkdir(join(agent.root, 'rel'), { recursive: true });
    const res = await api()
      .post('/api/v1/create')
      .set('Authorization', auth)
      .send({ path: 'rel', trackers: [] })
      .expect(400);
    expect(res.body.message).toMatch(/absolute/);
  });
});

describe('bad requests get clear JSON errors', () => {
  test('malformed JSON, unknown fields, bad info hashes', async () => {
    const bad = await api()
      .post('/api/v1/torrents')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"magnet": ')
      .expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const unknown = await api()
      .post('/api/v1/torrents')
      .set('Authorization', auth)
      .send({ magnet: 'x', evil: 1 })
      .expect(400);
    expect(unknown.body.message).toMatch(/evil/);
    const hash = await api()
      .get('/api/v1/torrents/not-a-hash')
      .set('Authorization', auth)
      .expect(400);
    expect(hash.body.message).toMatch(/40 hexadecimal/);
    await api()
      .get(`/api/v1/torrents/${'d'.repeat(40)}`)
      .set('Authorization', auth)
      .expect(404);
    const none = await api()
      .post('/api/v1/torrents')
      .set('Authorization', auth)
      .send({})
      .expect(400);
    expect(none.body.message).toMatch(/exactly one/);
    const magnet = await api()
      .post('/api/v1/torrents')
      .set('Authorization', auth)
      .send({ magnet: 'magnet:?nothing' })
      .expect(400);
    expect(magnet.body.statusCode).toBe(400);
  });
});

describe('binding', () => {
  function serve(...args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          CLI_BIN,
          'serve',
          '--data-dir',
          join(agent.root, 'bind-data'),
          '--peer-port',
          '0',
          '--peer-host',
          '127.0.0.1',
          '--download-dir',
          join(agent.root, 'bind-downloads'),
          ...args,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  test('serve refuses a non-loopback API address without --allow-remote-bind', async () => {
    const result = await serve('--api-host', '0.0.0.0');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not a loopback address/);
    expect(result.stderr).toMatch(/--allow-remote-bind/);
  });

  test('serve says so when the API port is taken', async () => {
    const result = await serve('--api-port', String(agent.port));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/port is in use/);
  });
});
