import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { encode } from '@swarmhub/bencode';
import { AnnounceService, type TrackerRequest } from './announce.service.js';

const MAX_HEAD_BYTES = 8192;
/** A request head must arrive whole within this time, however slowly its bytes trickle in. */
const HEAD_DEADLINE_MS = 10_000;
/** An idle kept-alive tracker connection is closed after this (Node's own default is 5 s). */
const IDLE_MS = 5_000;
const INTERNAL_FAILURE = encode({ 'failure reason': Buffer.from('internal tracker error') });
const CRLFCRLF = Buffer.from('\r\n\r\n');

type ConnectionListener = (socket: Socket) => void;

interface TrackerHead {
  path: '/announce' | '/scrape';
  queryString: string;
  forwardedFor: string | undefined;
  keepAlive: boolean;
}

/**
 * Reads a request head; returns null for anything that is not a plain `GET /announce` or
 * `GET /scrape` without a body, which then goes to Node's HTTP server untouched.
 */
export function parseTrackerHead(head: string): TrackerHead | null {
  const lines = head.split('\r\n');
  const requestLine = /^GET (\/(?:announce|scrape))(\?[^ ]*)? HTTP\/1\.([01])$/.exec(lines[0]);
  if (requestLine === null) return null;
  let connection = '';
  let forwardedFor: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'connection') connection = value.toLowerCase();
    else if (name === 'x-forwarded-for')
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor},${value}`;
    else if (name === 'transfer-encoding' || name === 'expect' || name === 'upgrade') return null;
    else if (name === 'content-length' && value !== '0') return null;
  }
  const http11 = requestLine[3] === '1';
  return {
    path: requestLine[1] as TrackerHead['path'],
    queryString: (requestLine[2] ?? '?').slice(1),
    forwardedFor,
    keepAlive: http11 ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection),
  };
}

function response(body: Buffer, keepAlive: boolean): Buffer {
  const head =
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\n' +
    `Content-Length: ${body.length}\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Answers announces and scrapes on the raw connection, before Node's HTTP machinery: with a new
 * connection per announce (what real swarms look like), Node's parser and request/response
 * objects cost more than the announce itself. The first request that is anything else (or
 * anything unusual) hands the connection, with every byte not yet consumed, to Node's HTTP
 * server, which serves the catalog API as usual (and /announce too, via attachTrackerRoutes).
 */
@Injectable()
export class TrackerFrontDoor implements BeforeApplicationShutdown {
  private readonly sockets = new Set<Socket>();
  private closing = false;

  constructor(private readonly tracker: AnnounceService) {}

  attach(server: Server): void {
    const httpListeners = server.listeners('connection') as ConnectionListener[];
    server.removeAllListeners('connection');
    const handOff = (socket: Socket) => {
      for (const listener of httpListeners) listener.call(server, socket);
    };
    server.on('connection', (socket: Socket) => this.accept(socket, handOff));
  }

  /** Nest closes the HTTP server after this; kept-alive tracker connections would hold it open. */
  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private accept(socket: Socket, handOff: ConnectionListener): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    let buffered: Buffer = Buffer.alloc(0);
    let headStartedAt = 0;
    let waiting = false;

    const onTimeout = () => socket.destroy();
    const onError = () => socket.destroy();
    const onClose = () => this.sockets.delete(socket);
    // Stops reading requests. The error listener stays unless Node's HTTP server takes over
    // (it adds its own): a client may still reset a connection being closed.
    const release = (keepErrorListener: boolean) => {
      socket.removeListener('data', onData);
      socket.removeListener('timeout', onTimeout);
      if (!keepErrorListener) socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      socket.setTimeout(0);
      this.sockets.delete(socket);
    };
    const giveToHttp = () => {
      release(false);
      socket.pause();
      if (buffered.length > 0) socket.unshift(buffered);
      handOff(socket);
      process.nextTick(() => socket.resume());
    };
    const answer = (body: Buffer, keepAlive: boolean) => {
      if (socket.destroyed) return;
      if (keepAlive) socket.write(response(body, true));
      else {
        release(true);
        socket.end(response(body, false));
      }
    };
    const drain = () => {
      while (!waiting && !socket.destroyed) {
        const end = buffered.indexOf(CRLFCRLF);
        if (end === -1) {
          if (buffered.length > MAX_HEAD_BYTES)
            giveToHttp(); // Node answers 431
          else if (buffered.length > 0 && Date.now() - headStartedAt > HEAD_DEADLINE_MS)
            socket.destroy();
          return;
        }
        const head =
          end > MAX_HEAD_BYTES ? null : parseTrackerHead(buffered.toString('latin1', 0, end));
        if (head === null) {
          giveToHttp();
          return;
        }
        buffered = buffered.subarray(end + 4);
        headStartedAt = Date.now();
        const request: TrackerRequest = {
          queryString: head.queryString,
          socketAddress: socket.remoteAddress ?? '',
          forwardedFor: head.forwardedFor,
        };
        if (head.path === '/scrape') answer(this.tracker.scrape(request), head.keepAlive);
        else {
          const body = this.tracker.announce(request);
          if (Buffer.isBuffer(body)) answer(body, head.keepAlive);
          else {
            // A completion is being committed: later pipelined requests wait, to keep order.
            waiting = true;
            body
              .then(
                (b) => answer(b, head.keepAlive),
                () => answer(INTERNAL_FAILURE, head.keepAlive),
              )
              .finally(() => {
                waiting = false;
                if (head.keepAlive) drain();
              });
          }
        }
        if (!head.keepAlive) return;
      }
    };
    function onData(chunk: Buffer) {
      if (buffered.length === 0) headStartedAt = Date.now();
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      drain();
    }
    socket.setTimeout(IDLE_MS);
    socket.on('timeout', onTimeout);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('data', onData);
  }
}
