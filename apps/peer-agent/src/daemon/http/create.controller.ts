import { Body, Controller, Post } from '@nestjs/common';
import type { z } from 'zod';
import type { CreateTorrentResponse } from '@swarmhub/api-types';
import { AgentService } from '../transfers/agent.service.js';
import { createBody } from './dto.js';
import { ZodPipe } from './zod-pipe.js';

@Controller('create')
export class CreateController {
  constructor(private readonly agent: AgentService) {}

  @Post()
  create(
    @Body(new ZodPipe(createBody)) request: z.output<typeof createBody>,
  ): Promise<CreateTorrentResponse> {
    return this.agent.create(request);
  }
}
