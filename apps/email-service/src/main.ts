import 'reflect-metadata';
import { bootstrapApp } from '@app/common';
import { ConfigError } from 'nestjs-tracing/config';
import { AppModule } from './app.module.js';
import { loadEmailServiceConfig } from './email-service.config.js';

try {
  const config = loadEmailServiceConfig();
  await bootstrapApp(() => AppModule.register(config), { name: 'email-service', port: config.port, tcpPort: config.tcpPort });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`[email-service] ${error.message}\n`);
  process.exitCode = 1;
}
