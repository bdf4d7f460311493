import { Module } from '@nestjs/common';
import { SwarmModule } from '../swarm/swarm.module.js';
import { CompletionLog } from './completion-log.js';

@Module({
  imports: [SwarmModule],
  providers: [CompletionLog],
  exports: [CompletionLog],
})
export class CompletionsModule {}
