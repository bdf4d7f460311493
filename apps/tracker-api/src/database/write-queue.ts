import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * TypeORM's sqlite driver runs everything over one connection, so two transactions started
 * at once interleave: the second fails with "cannot start a transaction within a transaction",
 * or its statements land inside the first. Every write transaction (peer batches, completion
 * events, uploads, deletes) therefore goes through this queue, one after another.
 */
@Injectable()
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = run.catch(() => undefined);
    return run;
  }
}
