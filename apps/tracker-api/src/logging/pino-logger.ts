import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { TrackerConfig } from '../config/tracker-config.js';

export function createLogger(config: Pick<TrackerConfig, 'logLevel'>): Logger {
  return pino({ name: 'tracker-api', level: config.logLevel });
}

/**
 * Nest's framework messages as structured pino lines. Announces and scrapes are not logged per
 * request (that would cost more than answering them); their counts are in /metrics.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    if (message instanceof Error) this.logger.error({ context, err: message }, message.message);
    else this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
