import { Module } from '@nestjs/common';
import { PeerStore } from './peer-store.js';
import { SwarmRegistry } from './swarm-registry.js';

@Module({
  providers: [SwarmRegistry, PeerStore],
  exports: [SwarmRegistry, PeerStore],
})
export class SwarmModule {}
