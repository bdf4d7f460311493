import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  DEFAULT_TIMEOUT_MS,
  formatIPv6,
  type AnnouncePeer,
  type AnnounceRequest,
  type AnnounceResponse,
  type TrackerRequestOptions,
} from './announce.js';
import { TrackerError } from './errors.js';

// BEP 15 constants.
const PROTOCOL_ID = 0x41727101980n;
const ACTION_CONNECT = 0;
const ACTION_ANNOUNCE = 1;
const ACTION_SCRAPE = 2;
const ACTION_ERROR = 3;
const EVENTS = { completed: 1, started: 2, stopped: 3 } as const;
/** A connection id may be used for one minute after the tracker hands it out. */
const CONNECTION_ID_LIFETIME_MS = 60_000;
/** BEP 15 caps a scrape at about 74 info hashes per packet. */
export const MAX_UDP_SCRAPE_HASHES = 74;

interface UdpTarget {
  host: string;
  port: number;
  address: string;
  family: 4 | 6;
  key: string;
}

const connectionIds = new Map<string, { id: Buffer; expiresAt: number }>();

export async function announceUdp(
  url: string,
  req: AnnounceRequest,
  options: TrackerRequestOptions = {},
): Promise<AnnounceResponse> {
  if (req.infoHash.length !== 20 || req.peerId.length !== 20) {
    throw new TrackerError('BAD_URL', 'info hash and peer id must be 20 bytes');
  }
  const target = await resolveTarget(url);
  const packet = Buffer.alloc(98);
  req.infoHash.copy(packet, 16);
  req.peerId.copy(packet, 36);
  packet.writeBigUInt64BE(BigInt(req.downloaded), 56);
  packet.writeBigUInt64BE(BigInt(req.left), 64);
  packet.writeBigUInt64BE(BigInt(req.uploaded), 72);
  packet.writeUInt32BE(req.event ? EVENTS[req.event] : 0, 80);
  packet.writeUInt32BE(0, 84); // IP: let the tracker use the packet's source address
  packet.writeUInt32BE(keyToUint32(req.key), 88);
  packet.writeInt32BE(req.numwant ?? -1, 92);
  packet.writeUInt16BE(req.port, 96);
  const answer = await exchangeWithConnection(target, ACTION_ANNOUNCE, packet, options);
  if (answer.length < 20) {
    throw new TrackerError(
      'BAD_RESPONSE',
      `UDP announce answer of ${answer.length} bytes is too short`,
    );
  }
  // The peer list's address family is the one of the socket the tracker was reached over.
  const entry = target.family === 6 ? 18 : 6;
  const peerBytes = answer.subarray(20);
  if (peerBytes.length % entry !== 0) {
    throw new TrackerError(
      'BAD_RESPONSE',
      `UDP peer list of ${peerBytes.length} bytes is not a multiple of ${entry}`,
    );
  }
  const peers: AnnouncePeer[] = [];
  for (let i = 0; i < peerBytes.length; i += entry) {
    const port = peerBytes.readUInt16BE(i + entry - 2);
    if (port === 0) continue;
    const ip =
      entry === 6
        ? `${peerBytes[i]}.${peerBytes[i + 1]}.${peerBytes[i + 2]}.${peerBytes[i + 3]}`
        : formatIPv6(peerBytes.subarray(i, i + 16));
    peers.push({ ip, port });
  }
  return {
    interval: answer.readUInt32BE(8),
    incomplete: answer.readUInt32BE(12),
    complete: answer.readUInt32BE(16),
    peers,
  };
}

export async function scrapeUdp(
  url: string,
  infoHashes: Buffer[],
  options: TrackerRequestOptions = {},
): Promise<Map<string, { complete: number; incomplete: number; downloaded: number }>> {
  if (infoHashes.length === 0 || infoHashes.length > MAX_UDP_SCRAPE_HASHES) {
    throw new TrackerError(
      'BAD_URL',
      `a UDP scrape takes 1 to ${MAX_UDP_SCRAPE_HASHES} info hashes`,
    );
  }
  for (const h of infoHashes) {
    if (h.length !== 20) throw new TrackerError('BAD_URL', 'info hashes must be 20 bytes');
  }
  const target = await resolveTarget(url);
  const packet = Buffer.concat([Buffer.alloc(16), ...infoHashes]);
  const answer = await exchangeWithConnection(target, ACTION_SCRAPE, packet, options);
  if (answer.length < 8 + 12 * infoHashes.length) {
    throw new TrackerError(
      'BAD_RESPONSE',
      `UDP scrape answer of ${answer.length} bytes is too short`,
    );
  }
  const result = new Map<string, { complete: number; incomplete: number; downloaded: number }>();
  infoHashes.forEach((h, i) => {
    const at = 8 + 12 * i;
    result.set(h.toString('hex'), {
      complete: answer.readUInt32BE(at),
      downloaded: answer.readUInt32BE(at + 4),
      incomplete: answer.readUInt32BE(at + 8),
    });
  });
  return result;
}

async function resolveTarget(url: string): Promise<UdpTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new TrackerError('BAD_URL', `not a URL: ${url}`, { cause: err });
  }
  if (parsed.protocol !== 'udp:')
    throw new TrackerError('UNSUPPORTED_PROTOCOL', `${url} is not udp://`);
  const port = Number(parsed.port);
  if (!parsed.port || port <= 0 || port > 65535)
    throw new TrackerError('BAD_URL', `${url} has no port`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let address = host;
  let family = isIP(host);
  if (family === 0) {
    try {
      ({ address, family } = await lookup(host));
    } catch (err) {
      throw new TrackerError('NETWORK', `cannot resolve ${host}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return { host, port, address, family: family === 6 ? 6 : 4, key: `${address}|${port}` };
}

/**
 * Runs `action` with a connection id, connecting first when there is no fresh one. A stale id
 * (the tracker answers with an error) is dropped so the next announce reconnects.
 */
async function exchangeWithConnection(
  target: UdpTarget,
  action: number,
  packet: Buffer,
  options: TrackerRequestOptions,
): Promise<Buffer> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const socket = dgram.createSocket(target.family === 6 ? 'udp6' : 'udp4');
  socket.unref();
  try {
    let cached = connectionIds.get(target.key);
    if (!cached || cached.expiresAt <= Date.now()) {
      const connect = Buffer.alloc(16);
      connect.writeBigUInt64BE(PROTOCOL_ID, 0);
      const answer = await exchange(
        socket,
        target,
        ACTION_CONNECT,
        connect,
        deadline,
        options.signal,
      );
      if (answer.length < 16)
        throw new TrackerError('BAD_RESPONSE', 'UDP connect answer too short');
      cached = {
        id: Buffer.from(answer.subarray(8, 16)),
        expiresAt: Date.now() + CONNECTION_ID_LIFETIME_MS,
      };
      connectionIds.set(target.key, cached);
    }
    cached.id.copy(packet, 0);
    try {
      return await exchange(socket, target, action, packet, deadline, options.signal);
    } catch (err) {
      connectionIds.delete(target.key);
      throw err;
    }
  } finally {
    socket.close();
  }
}

/**
 * Sends one request and waits for the answer with the same transaction id, retransmitting on
 * silence (BEP 15's 15 * 2^n schedule is compressed into our deadline). Datagrams that do not
 * match the transaction are ignored: they may be late answers to an earlier try.
 */
function exchange(
  socket: dgram.Socket,
  target: UdpTarget,
  action: number,
  packet: Buffer,
  deadline: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const transactionId = randomBytes(4);
  packet.writeUInt32BE(action, 8);
  transactionId.copy(packet, 12);
  return new Promise((resolve, reject) => {
    const total = deadline - Date.now();
    if (total <= 0) {
      reject(new TrackerError('TIMEOUT', `no answer from udp://${target.host}:${target.port}`));
      return;
    }
    let retransmit: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (err: Error | null, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(retransmit);
      socket.off('message', onMessage);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    const onMessage = (msg: Buffer) => {
      if (msg.length < 8 || !msg.subarray(4, 8).equals(transactionId)) return;
      const gotAction = msg.readUInt32BE(0);
      if (gotAction === ACTION_ERROR) {
        const reason = msg.subarray(8, 8 + 1000).toString('utf8');
        finish(new TrackerError('FAILURE', reason || 'tracker refused without a reason'));
      } else if (gotAction !== action) {
        finish(
          new TrackerError(
            'BAD_RESPONSE',
            `UDP answer has action ${gotAction}, expected ${action}`,
          ),
        );
      } else finish(null, msg);
    };
    const onError = (err: Error) =>
      finish(
        new TrackerError('NETWORK', `udp://${target.host}:${target.port}: ${err.message}`, {
          cause: err,
        }),
      );
    const onAbort = () => finish(new TrackerError('ABORTED', 'announce aborted'));
    const timer = setTimeout(
      () =>
        finish(new TrackerError('TIMEOUT', `no answer from udp://${target.host}:${target.port}`)),
      total,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('message', onMessage);
    socket.on('error', onError);
    let wait = Math.max(250, Math.floor(total / 4));
    const send = () => {
      socket.send(packet, target.port, target.address, (err) => {
        if (err) onError(err);
      });
      retransmit = setTimeout(send, wait);
      wait *= 2;
    };
    send();
  });
}

/** BEP 15 wants a 32-bit key; our key is text, so it is hashed down to one. */
function keyToUint32(key: string | undefined): number {
  if (key === undefined) return 0;
  return createHash('sha1').update(key).digest().readUInt32BE(0);
}
