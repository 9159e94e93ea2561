import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { createValidationPipe } from './validation.js';

export interface BootstrapOptions {
  name: string;
  port: number;
}

type RootModule = Parameters<typeof NestFactory.create>[0];

/** Creates, configures and starts an app the same way for every service of the sample system. */
export async function bootstrapApp(module: RootModule, { name, port }: BootstrapOptions): Promise<INestApplication> {
  // Buffered until pino takes over, so even the first lines are JSON with the same fields.
  const app = await NestFactory.create(module, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  await app.listen(port);
  logger.log(`listening on ${(await app.getUrl()).replace('[::1]', 'localhost')}`, name);
  return app;
}
