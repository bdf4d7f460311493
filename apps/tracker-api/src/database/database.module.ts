import { Global, Module } from '@nestjs/common';
import { WriteQueue } from './write-queue.js';

@Global()
@Module({ providers: [WriteQueue], exports: [WriteQueue] })
export class DatabaseModule {}
