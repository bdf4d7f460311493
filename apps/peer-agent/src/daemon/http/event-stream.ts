import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentEvent } from '@swarmhub/api-types';
import type { AgentService } from '../transfers/agent.service.js';

export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events for one client: first the current state of every transfer, then each
 * change as it is published. Heartbeat comments keep proxies and the browser's reader from
 * timing the stream out while nothing changes.
 */
export class EventStream {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly agent: AgentService,
    private readonly heartbeatMs = DEFAULT_HEARTBEAT_MS,
  ) {}

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': swarmhub agent events\n\n');
    for (const transfer of this.agent.list()) write(res, { event: 'transfer', data: transfer });
    const unsubscribe = this.agent.events.subscribe((event) => write(res, event));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.heartbeatMs);
    heartbeat.unref();
    this.open.add(res);
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  }

  /** Ends every open stream: the HTTP server cannot close while a client is still listening. */
  closeAll(): void {
    for (const res of this.open) res.end();
  }
}

function write(res: ServerResponse, event: AgentEvent): void {
  res.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
}
