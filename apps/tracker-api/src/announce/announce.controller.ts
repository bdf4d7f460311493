import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AnnounceService, type TrackerRequest } from './announce.service.js';

function trackerRequest(req: Request): TrackerRequest {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  const forwarded = req.headers['x-forwarded-for'];
  return {
    queryString: q === -1 ? '' : url.slice(q + 1),
    socketAddress: req.socket.remoteAddress ?? '',
    forwardedFor: Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
  };
}

/** Tracker answers are always 200 text/plain, failures included: that is what clients parse. */
function sendBencoded(res: Response, body: Buffer): void {
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

@ApiExcludeController()
@Controller()
export class AnnounceController {
  constructor(private readonly tracker: AnnounceService) {}

  @Get('announce')
  async announce(@Req() req: Request, @Res() res: Response): Promise<void> {
    sendBencoded(res, await this.tracker.announce(trackerRequest(req)));
  }

  @Get('scrape')
  scrape(@Req() req: Request, @Res() res: Response): void {
    sendBencoded(res, this.tracker.scrape(trackerRequest(req)));
  }
}
