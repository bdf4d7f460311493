import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { EngineError } from '@swarmhub/engine';
import { AgentError, type AgentErrorCode } from '../agent-error.js';

const STATUS_OF: Record<AgentErrorCode, number> = {
  NOT_FOUND: 404,
  BAD_INPUT: 400,
  PATH_NOT_ALLOWED: 403,
  FETCH_FAILED: 502,
  TOO_LARGE: 413,
  PUBLISH_FAILED: 502,
  CONFLICT: 409,
  ENGINE_ERROR: 500,
};

/** Engine refusals that are about the request, not a fault of the agent. */
const ENGINE_STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  BAD_INPUT: 400,
  NO_METADATA: 409,
};

/** Every error leaves as `{ statusCode, error, message }`; the status is chosen only here. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly log: (message: string) => void) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { statusCode, message } = this.describe(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    res
      .status(statusCode)
      .json({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message });
  }

  private describe(exception: unknown): { statusCode: number; message: string } {
    if (exception instanceof AgentError) {
      return { statusCode: STATUS_OF[exception.code], message: exception.message };
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? exception.message);
      return { statusCode: exception.getStatus(), message };
    }
    if (exception instanceof EngineError && exception.code in ENGINE_STATUS) {
      return { statusCode: ENGINE_STATUS[exception.code], message: exception.message };
    }
    const status = (exception as { status?: unknown; type?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Errors of Express's body parser (bad JSON, body too large) carry their own status.
      return { statusCode: status, message: (exception as Error).message };
    }
    // Typed errors of the layers below (engine, metainfo) that reach here unhandled.
    const code = (exception as { code?: unknown }).code;
    this.log(
      `internal error: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
    return {
      statusCode: 500,
      message:
        typeof code === 'string'
          ? `${code}: ${(exception as Error).message}`
          : 'internal error of the agent',
    };
  }
}
