import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createValidationPipe } from './validation.js';

export interface BootstrapOptions {
  name: string;
  port: number;
}

/** Creates, configures and starts an app the same way for every service of the sample system. */
type RootModule = Parameters<typeof NestFactory.create>[0];

export async function bootstrapApp(module: RootModule, { name, port }: BootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  await app.listen(port);
  new Logger(name).log(`listening on ${(await app.getUrl()).replace('[::1]', 'localhost')}`);
  return app;
}
