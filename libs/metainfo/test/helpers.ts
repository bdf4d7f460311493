import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, type BDict } from '@swarmhub/bencode';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `swarmhub-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sha1(data: Uint8Array): Buffer {
  return createHash('sha1').update(data).digest();
}

/** Deterministic content so failures reproduce. */
export function patternBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A syntactically valid torrent whose info dictionary the caller shapes (for hostile inputs). */
export function torrentWith(info: BDict, extra: BDict = {}): Buffer {
  return encode({ announce: 'http://127.0.0.1:6969/announce', ...extra, info });
}

export function singleInfo(overrides: BDict = {}): BDict {
  return {
    length: 40000,
    name: Buffer.from('file.bin'),
    'piece length': 16384,
    pieces: Buffer.alloc(60, 1),
    ...overrides,
  };
}

export function multiInfo(paths: (string | Buffer)[][], overrides: BDict = {}): BDict {
  return {
    files: paths.map((p) => ({
      length: 10,
      path: p.map((c) => (Buffer.isBuffer(c) ? c : Buffer.from(c))),
    })),
    name: Buffer.from('dir'),
    'piece length': 16384,
    pieces: Buffer.alloc(20 * Math.ceil((paths.length * 10) / 16384), 1),
    ...overrides,
  };
}
