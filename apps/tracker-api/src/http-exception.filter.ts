import { type ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

/**
 * Keeps every API error in the `{ statusCode, error, message }` shape the clients read; an
 * unexpected error is logged and answered without its internals.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException) {
      super.catch(exception, host);
      return;
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'the tracker failed to handle this request; the details are in its log',
    });
  }
}
