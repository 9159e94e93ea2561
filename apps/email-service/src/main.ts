import 'reflect-metadata';
import { bootstrapApp } from '@app/common';
import { exitOnConfigError } from 'nestjs-tracing/config';
import { AppModule } from './app.module.js';
import { loadEmailServiceConfig } from './email-service.config.js';

try {
  const config = loadEmailServiceConfig();
  await bootstrapApp(() => AppModule.register(config), { name: 'email-service', port: config.port, tcpPort: config.tcpPort });
} catch (error) {
  exitOnConfigError(error, 'email-service');
}
