import { Controller, Get } from '@nestjs/common';
import type { Health } from '@swarmhub/api-types';
import { AgentService } from '../transfers/agent.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly agent: AgentService) {}

  @Get()
  health(): Health {
    return this.agent.health();
  }
}
