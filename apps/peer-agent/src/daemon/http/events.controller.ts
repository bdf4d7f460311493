import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventStream } from './event-stream.js';

@Controller('events')
export class EventsController {
  constructor(private readonly stream: EventStream) {}

  @Get()
  open(@Req() req: Request, @Res() res: Response): void {
    this.stream.attach(req, res);
  }
}
