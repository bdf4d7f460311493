import { describe, expect, test } from 'vitest';
import { environmentWithFlags } from '../src/config/cli-flags.js';
import { ConfigError, loadConfig } from '../src/config/tracker-config.js';

describe('tracker configuration', () => {
  test('uses the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 6969,
      host: '0.0.0.0',
      databasePath: './data/tracker.sqlite',
      mode: 'listed',
      adminToken: undefined,
      interval: 1800,
      trustedProxies: [],
      allowIpParam: false,
      maxTorrentSize: 10 * 1024 * 1024,
    });
  });

  test('reads every variable', () => {
    expect(
      loadConfig({
        TRACKER_PORT: '7000',
        TRACKER_HOST: '127.0.0.1',
        TRACKER_DATABASE_PATH: '/var/lib/t.sqlite',
        TRACKER_MODE: 'open',
        TRACKER_ADMIN_TOKEN: 'a-long-enough-admin-token',
        TRACKER_INTERVAL: '600',
        TRACKER_TRUSTED_PROXIES: '10.0.0.1, ::ffff:10.0.0.2,2001:db8::1',
        TRACKER_ALLOW_IP_PARAM: 'true',
        TRACKER_MAX_TORRENT_SIZE: '2048',
      }),
    ).toMatchObject({
      port: 7000,
      host: '127.0.0.1',
      databasePath: '/var/lib/t.sqlite',
      mode: 'open',
      adminToken: 'a-long-enough-admin-token',
      interval: 600,
      trustedProxies: ['10.0.0.1', '10.0.0.2', '2001:db8::1'],
      allowIpParam: true,
      maxTorrentSize: 2048,
    });
  });

  test('reports every bad variable in one error, without echoing the admin token', () => {
    let error: unknown;
    try {
      loadConfig({
        TRACKER_PORT: '70000',
        TRACKER_HOST: 'example.com',
        TRACKER_MODE: 'closed',
        TRACKER_ADMIN_TOKEN: 'secret',
        TRACKER_INTERVAL: 'often',
        TRACKER_TRUSTED_PROXIES: '10.0.0.1,proxy.local',
        TRACKER_ALLOW_IP_PARAM: 'maybe',
        TRACKER_MAX_TORRENT_SIZE: '-1',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'TRACKER_ADMIN_TOKEN',
      'TRACKER_ALLOW_IP_PARAM',
      'TRACKER_HOST',
      'TRACKER_INTERVAL',
      'TRACKER_MAX_TORRENT_SIZE',
      'TRACKER_MODE',
      'TRACKER_PORT',
      'TRACKER_TRUSTED_PROXIES',
    ]);
    expect((error as ConfigError).message).not.toContain('secret');
    expect((error as ConfigError).message).toContain('TRACKER_PORT: ');
  });

  test('command-line flags mirror the variables and win over them', () => {
    const env = environmentWithFlags(
      ['--port', '7001', '--mode=open', '--trusted-proxies', '10.0.0.9'],
      {
        TRACKER_PORT: '7000',
        TRACKER_INTERVAL: '900',
      },
    );
    expect(loadConfig(env)).toMatchObject({
      port: 7001,
      mode: 'open',
      interval: 900,
      trustedProxies: ['10.0.0.9'],
    });
    expect(() => environmentWithFlags(['--prot', '1'], {})).toThrow(ConfigError);
  });
});
