import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, type BDict } from '@swarmhub/bencode';
import type { TrackerConfig } from '../src/config/tracker-config.js';
import { startTracker, type RunningTracker } from '../src/tracker-app.js';

export interface TestTracker extends RunningTracker {
  dir: string;
  config: TrackerConfig;
  /** Closes the app and deletes its temporary directory. */
  dispose(): Promise<void>;
}

export function makeTempDir(prefix = 'tracker-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(dir: string, overrides: Partial<TrackerConfig> = {}): TrackerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    databasePath: join(dir, 'data', 'tracker.sqlite'),
    mode: 'open',
    adminToken: 'admin-token-for-tests-0123456789',
    interval: 1800,
    trustedProxies: [],
    allowIpParam: false,
    maxTorrentSize: 10 * 1024 * 1024,
    logLevel: 'silent',
    peerFlushMs: 200,
    peerGraceSeconds: 120,
    ...overrides,
  };
}

export async function startTestTracker(
  overrides: Partial<TrackerConfig> = {},
  dir = makeTempDir(),
): Promise<TestTracker> {
  const config = testConfig(dir, overrides);
  const tracker = await startTracker(config);
  let closed = false;
  return {
    ...tracker,
    dir,
    config,
    close: async () => {
      if (!closed) await tracker.close();
      closed = true;
    },
    async dispose() {
      if (!closed) await tracker.close();
      closed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Percent-encodes every byte, as clients do for info_hash and peer_id. */
export function binaryParam(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += '%' + b.toString(16).padStart(2, '0');
  return out;
}

export function hashOf(label: string): Buffer {
  const out = Buffer.alloc(20);
  Buffer.from(label).copy(out);
  return out;
}

export function peerIdOf(label: string): Buffer {
  const out = Buffer.alloc(20, 0x2d);
  Buffer.from(label).copy(out);
  return out;
}

export interface AnnounceParams {
  infoHash: Buffer;
  peerId: Buffer;
  port?: number;
  left?: number;
  uploaded?: number;
  downloaded?: number;
  event?: string;
  compact?: string;
  numwant?: number;
  noPeerId?: boolean;
  ip?: string;
  key?: string;
}

export function announceQuery(p: AnnounceParams): string {
  const parts = [
    `info_hash=${binaryParam(p.infoHash)}`,
    `peer_id=${binaryParam(p.peerId)}`,
    `port=${p.port ?? 6881}`,
    `uploaded=${p.uploaded ?? 0}`,
    `downloaded=${p.downloaded ?? 0}`,
    `left=${p.left ?? 1000}`,
  ];
  if (p.event !== undefined) parts.push(`event=${p.event}`);
  if (p.compact !== undefined) parts.push(`compact=${p.compact}`);
  if (p.numwant !== undefined) parts.push(`numwant=${p.numwant}`);
  if (p.noPeerId) parts.push('no_peer_id=1');
  if (p.ip !== undefined) parts.push(`ip=${p.ip}`);
  if (p.key !== undefined) parts.push(`key=${p.key}`);
  return parts.join('&');
}

export interface RawAnswer {
  status: number;
  contentType: string | null;
  body: Buffer;
  dict: BDict;
}

export async function trackerGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body,
    dict: decode(body) as BDict,
  };
}

export function announce(
  tracker: { url: string },
  p: AnnounceParams,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return trackerGet(`${tracker.url}/announce?${announceQuery(p)}`, headers);
}

export function failureOf(answer: RawAnswer): string | undefined {
  const reason = answer.dict['failure reason'];
  return Buffer.isBuffer(reason) ? reason.toString('utf8') : undefined;
}

/** Compact IPv4 peers (BEP 23) as "a.b.c.d:port" strings. */
export function compactPeers(value: unknown): string[] {
  const buf = value as Buffer;
  const out: string[] = [];
  for (let i = 0; i + 6 <= buf.length; i += 6) {
    out.push(`${buf[i]}.${buf[i + 1]}.${buf[i + 2]}.${buf[i + 3]}:${buf.readUInt16BE(i + 4)}`);
  }
  return out;
}
