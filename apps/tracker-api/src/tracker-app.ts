import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AnnounceService } from './announce/announce.service.js';
import { attachTrackerRoutes } from './announce/tracker-routes.js';
import { AppModule } from './app.module.js';
import { ApiExceptionFilter } from './http-exception.filter.js';
import type { TrackerConfig } from './config/tracker-config.js';
import { createLogger, PinoNestLogger } from './logging/pino-logger.js';

function validationMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...validationMessages(e.children ?? []),
  ]);
}

/** Builds the whole tracker (catalog, announce, stats) without listening. */
export async function createTrackerApp(config: TrackerConfig): Promise<NestExpressApplication> {
  if (config.databasePath !== ':memory:')
    mkdirSync(dirname(config.databasePath), { recursive: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new PinoNestLogger(createLogger(config)),
    abortOnError: false,
  });
  // Announce answers are unique per request; hashing them for an ETag is wasted work.
  app.set('etag', false);
  app.disable('x-powered-by');
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException(validationMessages(errors).join('; ')),
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Swarmhub tracker')
      .setDescription(
        'Torrent catalog API. /announce and /scrape speak the BitTorrent tracker protocol.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  // The tracker protocol routes are served ahead of Nest (see attachTrackerRoutes); listed here
  // so the API page shows every route.
  document.paths['/announce'] = {
    get: {
      tags: ['tracker protocol'],
      summary: 'BEP 3 announce (info_hash and peer_id as percent-encoded raw bytes)',
      responses: { 200: { description: 'bencoded, text/plain; errors as `failure reason`' } },
    },
  };
  document.paths['/scrape'] = {
    get: {
      tags: ['tracker protocol'],
      summary: 'BEP 48 scrape, one or more info_hash parameters',
      responses: { 200: { description: 'bencoded `files` dictionary, text/plain' } },
    },
  };
  SwaggerModule.setup('api/docs', app, document);
  await app.init();
  attachTrackerRoutes(app.getHttpServer(), app.get(AnnounceService));
  return app;
}

export interface RunningTracker {
  app: NestExpressApplication;
  /** Base URL, e.g. http://127.0.0.1:6969 */
  url: string;
  close(): Promise<void>;
}

export async function startTracker(config: TrackerConfig): Promise<RunningTracker> {
  const app = await createTrackerApp(config);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const host = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
