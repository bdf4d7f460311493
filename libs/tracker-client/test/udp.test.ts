import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  announce,
  AnnounceScheduler,
  scrape,
  TrackerError,
  type AnnounceResult,
} from '../src/index.js';

const INFO_HASH = Buffer.alloc(20, 0x11);
const PEER_ID = Buffer.from('-SH0100-abcdefghijkl');
const PROTOCOL_ID = Buffer.from('0000041727101980', 'hex');

interface Seen {
  action: number;
  packet: Buffer;
}

/**
 * A UDP tracker written from BEP 15's packet layouts, on 127.0.0.1. `reply` may replace the
 * answer (null: stay silent, to exercise retransmission and timeouts).
 */
class UdpTrackerStandIn {
  readonly seen: Seen[] = [];
  readonly connectionId = Buffer.from('0102030405060708', 'hex');
  peers: Buffer = Buffer.alloc(0);
  reply: (seen: Seen, standard: Buffer) => Buffer | null = (_s, standard) => standard;
  private readonly socket = dgram.createSocket('udp4');

  async listen(): Promise<this> {
    this.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this;
  }

  url(): string {
    return `udp://127.0.0.1:${(this.socket.address() as AddressInfo).port}/announce`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const action = msg.readUInt32BE(8);
    const seen = { action, packet: Buffer.from(msg) };
    this.seen.push(seen);
    const tid = msg.subarray(12, 16);
    let standard: Buffer;
    if (action === 0) {
      expect(msg.subarray(0, 8)).toEqual(PROTOCOL_ID);
      standard = Buffer.concat([u32(0), tid, this.connectionId]);
    } else if (!msg.subarray(0, 8).equals(this.connectionId)) {
      standard = Buffer.concat([u32(3), tid, Buffer.from('bad connection id')]);
    } else if (action === 1) {
      standard = Buffer.concat([u32(1), tid, u32(1200), u32(4), u32(9), this.peers]);
    } else {
      const hashes = (msg.length - 16) / 20;
      const counts = Array.from({ length: hashes }, (_, i) =>
        Buffer.concat([u32(10 + i), u32(20 + i), u32(30 + i)]),
      );
      standard = Buffer.concat([u32(2), tid, ...counts]);
    }
    const answer = this.reply(seen, standard);
    if (answer) this.socket.send(answer, rinfo.port, rinfo.address);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

const request = {
  infoHash: INFO_HASH,
  peerId: PEER_ID,
  port: 51413,
  uploaded: 3,
  downloaded: 2 ** 33,
  left: 77,
  event: 'started' as const,
  numwant: 30,
  key: 'abcd',
};

let tracker: UdpTrackerStandIn;
beforeEach(async () => {
  tracker = await new UdpTrackerStandIn().listen();
});
afterEach(async () => {
  await tracker.close();
});

describe('UDP tracker (BEP 15)', () => {
  test('connects, then announces with the BEP 15 byte layout, and parses peers', async () => {
    tracker.peers = Buffer.from([127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0, 80]);
    const res = await announce(tracker.url(), request);
    expect(res).toEqual({
      interval: 1200,
      incomplete: 4,
      complete: 9,
      peers: [
        { ip: '127.0.0.1', port: 6881 },
        { ip: '10.0.0.2', port: 80 },
      ],
    });
    expect(tracker.seen.map((s) => s.action)).toEqual([0, 1]);
    const p = tracker.seen[1]!.packet;
    expect(p.length).toBe(98);
    expect(p.subarray(0, 8)).toEqual(tracker.connectionId);
    expect(p.subarray(16, 36)).toEqual(INFO_HASH);
    expect(p.subarray(36, 56)).toEqual(PEER_ID);
    expect(p.readBigUInt64BE(56)).toBe(2n ** 33n); // downloaded
    expect(p.readBigUInt64BE(64)).toBe(77n); // left
    expect(p.readBigUInt64BE(72)).toBe(3n); // uploaded
    expect(p.readUInt32BE(80)).toBe(2); // started
    expect(p.readInt32BE(92)).toBe(30);
    expect(p.readUInt16BE(96)).toBe(51413);
  });

  test('a fresh connection id is reused instead of connecting again', async () => {
    const url = tracker.url();
    await announce(url, request);
    await announce(url, { ...request, event: undefined });
    expect(tracker.seen.map((s) => s.action)).toEqual([0, 1, 1]);
    expect(tracker.seen[2]!.packet.readUInt32BE(80)).toBe(0);
  });

  test('an error packet is TrackerError FAILURE with its message', async () => {
    tracker.reply = (seen, standard) =>
      seen.action === 1
        ? Buffer.concat([
            u32(3),
            seen.packet.subarray(12, 16),
            Buffer.from('torrent not registered'),
          ])
        : standard;
    const err = (await announce(tracker.url(), request).catch((e: unknown) => e)) as TrackerError;
    expect(err).toBeInstanceOf(TrackerError);
    expect([err.code, err.message]).toEqual(['FAILURE', 'torrent not registered']);
  });

  test('lost packets are retransmitted; answers to another transaction are ignored', async () => {
    let dropped = 0;
    tracker.reply = (seen, standard) => {
      if (seen.action === 1 && dropped < 1) {
        dropped++;
        // A stray answer with a wrong transaction id, then silence.
        return Buffer.concat([u32(1), Buffer.from('zzzz'), u32(1), u32(0), u32(0)]);
      }
      return standard;
    };
    const res = await announce(tracker.url(), request, { timeoutMs: 4000 });
    expect(res.interval).toBe(1200);
    expect(tracker.seen.filter((s) => s.action === 1)).toHaveLength(2);
  });

  test('a silent tracker times out', async () => {
    tracker.reply = () => null;
    const err = (await announce(tracker.url(), request, { timeoutMs: 600 }).catch(
      (e: unknown) => e,
    )) as TrackerError;
    expect(err.code).toBe('TIMEOUT');
  });

  test('malformed answers are BAD_RESPONSE', async () => {
    tracker.reply = (seen, standard) =>
      seen.action === 1 ? Buffer.concat([standard, Buffer.from([1, 2, 3])]) : standard;
    const err = (await announce(tracker.url(), request).catch((e: unknown) => e)) as TrackerError;
    expect(err.code).toBe('BAD_RESPONSE');
  });

  test('scrape sends the hashes and reads seeders, completed, leechers per hash', async () => {
    const other = Buffer.alloc(20, 0x22);
    const res = await scrape(tracker.url(), [INFO_HASH, other]);
    expect(tracker.seen.at(-1)!.packet.subarray(16)).toEqual(Buffer.concat([INFO_HASH, other]));
    expect([...res.entries()]).toEqual([
      [INFO_HASH.toString('hex'), { complete: 10, downloaded: 20, incomplete: 30 }],
      [other.toString('hex'), { complete: 11, downloaded: 21, incomplete: 31 }],
    ]);
  });

  test('the scheduler uses UDP trackers like HTTP ones', async () => {
    tracker.peers = Buffer.from([127, 0, 0, 1, 0x1a, 0xe1]);
    const scheduler = new AnnounceScheduler({
      announceList: [[tracker.url()]],
      infoHash: INFO_HASH,
      peerId: PEER_ID,
      port: 6881,
      totals: () => ({ uploaded: 0, downloaded: 0, left: 10 }),
    });
    const peers = new Promise((resolve) => scheduler.once('peers', resolve));
    const result = new Promise<AnnounceResult>((resolve) => scheduler.once('result', resolve));
    scheduler.start();
    expect(await peers).toEqual([{ ip: '127.0.0.1', port: 6881 }]);
    expect(await result).toMatchObject({ ok: true, event: 'started', seeders: 9, leechers: 4 });
    await scheduler.stop();
    expect(tracker.seen.at(-1)!.packet.readUInt32BE(80)).toBe(3); // stopped
  });
});
