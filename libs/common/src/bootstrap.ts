import type { Server } from 'node:net';
import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, PinoLogger } from 'nestjs-pino';
import { loggerParams } from './logging.js';
import { createValidationPipe, RequestShapePipe } from './validation.js';

export interface BootstrapOptions {
  name: string;
  port: number;
  /**
   * Also take messages over Nest's TCP transport on this port (0: a free one), with the app's
   * pipes, interceptors and filters (`inheritAppConfig`).
   */
  tcpPort?: number;
}

type RootModule = Type<unknown> | DynamicModule;

/**
 * Creates, configures and starts an app the same way for every service of the sample system.
 * `rootModule` returns the module, after preparing what it needs (an embedded database, say), so a
 * failure there is a failed start like any other. Resolves to undefined when the app could not
 * start: the reason is logged (as JSON like every other line) and the exit code is set to 1.
 */
export async function bootstrapApp(
  rootModule: () => RootModule | Promise<RootModule>,
  { name, port, tcpPort }: BootstrapOptions,
): Promise<INestApplication | undefined> {
  // The app's own logger settings from the first line on, so a start that fails (the database
  // unreachable, say) is written as the same JSON lines as everything after it.
  const params = loggerParams();
  const startupLogger = new Logger(new PinoLogger(params), params);
  try {
    // Buffered until the app's logger takes over; `abortOnError: false` lets a failed start reach
    // the catch below instead of aborting the process.
    const app = await NestFactory.create<NestExpressApplication>(await rootModule(), { logger: startupLogger, bufferLogs: true, abortOnError: false });
    const logger = app.get(Logger);
    app.useLogger(logger);
    // Any JSON value parses, so that `null` or `[]` meets RequestShapePipe's "must be a JSON object"
    // rather than the parser's strict-mode message; bodies over 100 kB get 413.
    app.useBodyParser('json', { strict: false, limit: '100kb' });
    app.useGlobalPipes(new RequestShapePipe(), createValidationPipe());
    app.enableShutdownHooks();
    const messages =
      tcpPort === undefined
        ? undefined
        : app.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { host: '0.0.0.0', port: tcpPort } }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    if (messages) logger.log(`messages on tcp://localhost:${(messages.unwrap<Server>().address() as { port: number }).port}`, name);
    await app.listen(port);
    logger.log(`listening on ${(await app.getUrl()).replace('[::1]', 'localhost')}`, name);
    return app;
  } catch (error) {
    startupLogger.fatal({ err: error }, `${name} could not start`, 'NestApplication');
    process.exitCode = 1;
    // Whatever the failed start left open (a pool, a client) must not keep the process alive; the
    // delay lets the log line reach its destination.
    setTimeout(() => process.exit(1), 1_000).unref();
    return undefined;
  }
}
