import { NestFactory } from '@nestjs/core';
import { TracingConsoleLogger } from 'nestjs-tracing/logging';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: new TracingConsoleLogger({ json: true }) });
  app.enableShutdownHooks();
  await app.listen(process.env.PORT ?? 3000);
}
await bootstrap();
