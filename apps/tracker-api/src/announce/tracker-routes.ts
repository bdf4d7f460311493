import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { encode } from '@swarmhub/bencode';
import type { AnnounceService, TrackerRequest } from './announce.service.js';

const INTERNAL_FAILURE = encode({ 'failure reason': Buffer.from('internal tracker error') });

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

function trackerRequest(req: IncomingMessage, url: string, q: number): TrackerRequest {
  const forwarded = req.headers['x-forwarded-for'];
  return {
    queryString: q === -1 ? '' : url.slice(q + 1),
    socketAddress: req.socket.remoteAddress ?? '',
    forwardedFor: Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
  };
}

/** Tracker answers are always 200 text/plain, failures included: that is what clients parse. */
function send(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/**
 * Serves GET /announce and /scrape straight from Node's HTTP server, ahead of Express and Nest.
 * Measured under a connection per request, the Nest route (router, pipes, interceptors, Express
 * middleware) cost several times what the announce itself does; the catalog API keeps the
 * full Nest pipeline. The query string is taken raw: info hashes are binary.
 */
export function attachTrackerRoutes(server: Server, tracker: AnnounceService): void {
  const others = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url.charCodeAt(0) === 47 /* / */) {
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (path === '/announce') {
        const answer = tracker.announce(trackerRequest(req, url, q));
        if (Buffer.isBuffer(answer)) send(res, answer);
        else
          answer.then(
            (body) => send(res, body),
            () => send(res, INTERNAL_FAILURE),
          );
        return;
      }
      if (path === '/scrape') {
        send(res, tracker.scrape(trackerRequest(req, url, q)));
        return;
      }
    }
    for (const listener of others) listener.call(server, req, res);
  });
}
