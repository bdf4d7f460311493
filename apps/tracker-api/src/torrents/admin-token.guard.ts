import { timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { TRACKER_CONFIG, type TrackerConfig } from '../config/tracker-config.js';

/** Admin actions need `Authorization: Bearer <TRACKER_ADMIN_TOKEN>`; with no token set they are off. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(TRACKER_CONFIG) private readonly config: TrackerConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.adminToken;
    if (expected === undefined) {
      throw new UnauthorizedException('admin actions are disabled: TRACKER_ADMIN_TOKEN is not set');
    }
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    const given = Buffer.from(match?.[1] ?? '');
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new UnauthorizedException(
        'a valid admin token is required: Authorization: Bearer <token>',
      );
    }
    return true;
  }
}
