import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { WireDecoder, encodeHandshake, encodeMessage, type Message } from '@swarmhub/wire';
import { waitForEvent } from './fixtures.js';

export interface RawPeer {
  socket: net.Socket;
  /** Every message received after the handshake, in order. */
  messages: Message[];
  send(m: Message): void;
  /** Resolves once a received message satisfies `match` (checking those already received too). */
  waitFor(match: (m: Message) => boolean, what: string, timeoutMs?: number): Promise<Message>;
}

/**
 * A bare peer wire client for tests: connects to 127.0.0.1:`port`, handshakes (with the fast
 * extension unless told otherwise) and records what it is sent. Closed by the test's cleanups.
 */
export async function rawPeer(
  port: number,
  infoHash: Buffer,
  cleanups: (() => Promise<unknown>)[],
  options: { fast?: boolean } = {},
): Promise<RawPeer> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  cleanups.push(async () => socket.destroy());
  const messages: Message[] = [];
  const waiters: (() => void)[] = [];
  const decoder = new WireDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const e of decoder.push(chunk)) if (e.type !== 'handshake') messages.push(e);
    for (const w of [...waiters]) w();
  });
  await waitForEvent(socket, 'connect');
  const peerId = Buffer.concat([Buffer.from('-XX0001-'), randomBytes(12)]);
  socket.write(encodeHandshake({ infoHash, peerId, fast: options.fast ?? true }));
  return {
    socket,
    messages,
    send: (m) => socket.write(encodeMessage(m)),
    waitFor: (match, what, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      }),
  };
}
