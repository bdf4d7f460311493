import { mkdtemp, mkdir, rm, stat, symlink, writeFile, readFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ConfigError, loadAgentConfig } from '../src/daemon/config.js';
import { PathPolicy } from '../src/daemon/security/path-policy.js';
import { loadOrCreateToken, readToken, tokensEqual } from '../src/daemon/security/token.js';
import { AgentError } from '../src/daemon/agent-error.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('agent configuration', () => {
  test('flags win over AGENT_* variables, which win over defaults', () => {
    const config = loadAgentConfig(
      { apiPort: '7000', allowOrigin: ['http://example.test:8080'] },
      {
        AGENT_DATA_DIR: dir,
        AGENT_API_PORT: '6999',
        AGENT_PEER_PORT: '0',
        AGENT_ALLOW_ORIGINS: 'http://a.test,http://b.test',
      },
    );
    expect(config.apiPort).toBe(7000);
    expect(config.peerPort).toBe(0);
    expect(config.dataDir).toBe(dir);
    expect(config.allowOrigins).toEqual(['http://example.test:8080']);
    expect(config.apiHost).toBe('127.0.0.1');
  });

  test('defaults: loopback API on 6880, the local web app origins, download dir and home as roots', () => {
    const config = loadAgentConfig({ dataDir: dir }, {});
    expect(config.apiHost).toBe('127.0.0.1');
    expect(config.apiPort).toBe(6880);
    expect(config.peerPort).toBe(6881);
    expect(config.allowOrigins).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);
    expect(config.allowedRoots).toContain(config.downloadDir);
    expect(config.allowedRoots).toHaveLength(2);
  });

  test('explicit roots replace the home directory, but the download directory stays allowed', () => {
    const config = loadAgentConfig(
      { dataDir: dir, downloadDir: join(dir, 'dl'), allowedRoot: ['/srv/share'] },
      {},
    );
    expect(config.allowedRoots).toEqual([join(dir, 'dl'), '/srv/share']);
  });

  test('every bad setting is reported at once, naming its flag and variable', () => {
    let error: unknown;
    try {
      loadAgentConfig(
        { dataDir: dir },
        { AGENT_API_PORT: '70000', AGENT_ALLOW_ORIGINS: 'http://x.test/path' },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('AGENT_API_PORT');
    expect(message).toContain('AGENT_ALLOW_ORIGINS');
  });

  test('binding the API to a non-loopback address is refused without the explicit flag', () => {
    expect(() => loadAgentConfig({ dataDir: dir, apiHost: '0.0.0.0' }, {})).toThrow(
      /--allow-remote-bind/,
    );
    expect(() => loadAgentConfig({ dataDir: dir }, { AGENT_API_HOST: '192.168.1.10' })).toThrow(
      ConfigError,
    );
    expect(
      loadAgentConfig({ dataDir: dir, apiHost: '0.0.0.0', allowRemoteBind: true }, {}).apiHost,
    ).toBe('0.0.0.0');
    expect(loadAgentConfig({ dataDir: dir, apiHost: '::1' }, {}).apiHost).toBe('::1');
  });
});

describe('token', () => {
  test('is 32 random bytes in hex, written with mode 0600 at first start and reused after', async () => {
    const token = await loadOrCreateToken(dir);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const info = await stat(join(dir, 'token'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(await loadOrCreateToken(dir)).toBe(token);
    expect(await readToken(dir)).toBe(token);
    const other = await mkdtemp(join(tmpdir(), 'agent-config-other-'));
    try {
      expect(await loadOrCreateToken(other)).not.toBe(token);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('a token file readable by others is tightened back to 0600', async () => {
    const token = await loadOrCreateToken(dir);
    await chmod(join(dir, 'token'), 0o644);
    expect(await loadOrCreateToken(dir)).toBe(token);
    expect((await stat(join(dir, 'token'))).mode & 0o777).toBe(0o600);
  });

  test('a garbled token file is replaced by a fresh token', async () => {
    await writeFile(join(dir, 'token'), 'not a token');
    const token = await loadOrCreateToken(dir);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect((await readFile(join(dir, 'token'), 'utf8')).trim()).toBe(token);
  });

  test('comparison accepts only the exact token', () => {
    const token = 'ab'.repeat(32);
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(token.slice(0, 63), token)).toBe(false);
    expect(tokensEqual(`${token}0`, token)).toBe(false);
    expect(tokensEqual('', token)).toBe(false);
  });
});

describe('path policy', () => {
  test('accepts paths under a root, including ones that do not exist yet', async () => {
    const root = join(dir, 'root');
    await mkdir(join(root, 'sub'), { recursive: true });
    const policy = new PathPolicy([root]);
    expect(await policy.resolveExisting(join(root, 'sub'), 'path')).toBe(join(root, 'sub'));
    expect(await policy.resolveMaybeMissing(join(root, 'new', 'deeper'), 'saveDir')).toBe(
      join(root, 'new', 'deeper'),
    );
    expect(await policy.resolveMaybeMissing(root, 'saveDir')).toBe(root);
  });

  test('refuses paths outside every root, relative paths, and .. escapes', async () => {
    const root = join(dir, 'root');
    await mkdir(root);
    const policy = new PathPolicy([root]);
    await expect(
      policy.resolveMaybeMissing(join(dir, 'elsewhere'), 'saveDir'),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
    await expect(
      policy.resolveMaybeMissing(`${root}/../elsewhere`, 'saveDir'),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
    await expect(policy.resolveMaybeMissing(`${root}-sibling`, 'saveDir')).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
    await expect(policy.resolveMaybeMissing('relative/dir', 'saveDir')).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(policy.resolveExisting('/etc/passwd', 'path')).rejects.toBeInstanceOf(AgentError);
  });

  test('a symlink inside a root that points outside it does not escape', async () => {
    const root = join(dir, 'root');
    const outside = join(dir, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await writeFile(join(outside, 'secret'), 'x');
    await symlink(outside, join(root, 'link'));
    const policy = new PathPolicy([root]);
    await expect(
      policy.resolveExisting(join(root, 'link', 'secret'), 'path'),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
    await expect(
      policy.resolveMaybeMissing(join(root, 'link', 'new'), 'saveDir'),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
  });
});
