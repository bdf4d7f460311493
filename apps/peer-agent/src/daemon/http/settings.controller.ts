import { Body, Controller, Get, Patch } from '@nestjs/common';
import type { z } from 'zod';
import type { Settings } from '@swarmhub/api-types';
import { AgentService } from '../transfers/agent.service.js';
import { limitsBody } from './dto.js';
import { ZodPipe } from './zod-pipe.js';

@Controller('settings')
export class SettingsController {
  constructor(private readonly agent: AgentService) {}

  @Get()
  get(): Settings {
    return this.agent.settings();
  }

  @Patch()
  set(@Body(new ZodPipe(limitsBody)) change: z.output<typeof limitsBody>): Promise<Settings> {
    return this.agent.setSettings(change);
  }
}
