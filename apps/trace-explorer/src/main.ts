import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, exitOnConfigError } from 'nestjs-tracing/config';
import { AppModule } from './app.module.js';
import { loadExplorerConfig } from './explorer.config.js';
import { hostCheck } from './http/host-check.js';
import { UI_DIRECTORY } from './http/pages.controller.js';

/**
 * The trace explorer. It runs without the tracing preload: it must never trace (and so send to
 * itself) the requests that carry other apps' spans to it.
 */
const PRELOAD = 'nestjs-tracing/register';

try {
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((argument) => argument.includes(PRELOAD))) {
    throw new ConfigError(
      'NODE_OPTIONS',
      PRELOAD,
      'the explorer runs without the tracing preload, or it would trace and store its own ingest; start it with `node dist/apps/trace-explorer/main.js`',
    );
  }
  const config = loadExplorerConfig();
  // Bodies are read by the OTLP controller itself, with its own limit and decompression.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bodyParser: false, logger: ['error', 'warn'] });
  // Before anything else answers: pages, API and ingest alike.
  app.use(hostCheck(config.allowedHosts, config.host));
  app.useStaticAssets(UI_DIRECTORY, { prefix: '/assets/', index: false, immutable: false });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const host = config.host === '127.0.0.1' || config.host === '::1' ? 'localhost' : config.host;
  process.stdout.write(`trace explorer: http://${host}:${config.port}  (OTLP/HTTP: http://${host}:${config.port}/v1/traces, /v1/logs)\n`);
} catch (error) {
  exitOnConfigError(error, 'trace-explorer');
}
