import { type DynamicModule, Module } from '@nestjs/common';
import { CreateController } from './http/create.controller.js';
import { EventStream } from './http/event-stream.js';
import { EventsController } from './http/events.controller.js';
import { HealthController } from './http/health.controller.js';
import { SettingsController } from './http/settings.controller.js';
import { TorrentsController } from './http/torrents.controller.js';
import { AgentService } from './transfers/agent.service.js';

@Module({})
export class AgentModule {
  /** The facade is built (and its state restored) before Nest starts, so it comes in as a value. */
  static register(agent: AgentService, events: EventStream): DynamicModule {
    return {
      module: AgentModule,
      controllers: [
        HealthController,
        TorrentsController,
        SettingsController,
        CreateController,
        EventsController,
      ],
      providers: [
        { provide: AgentService, useValue: agent },
        { provide: EventStream, useValue: events },
      ],
    };
  }
}
