import 'reflect-metadata';
import { AppConfigError, bootstrapApp } from '@app/common';
import { AppModule } from './app.module.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';
import { loadUsersApiConfig } from './users-api.config.js';

try {
  const config = loadUsersApiConfig();
  const embedded = config.databaseUrl ? undefined : await EmbeddedPostgres.start(config.dataDir);
  const database = { url: config.databaseUrl ?? embedded!.url, embedded };
  await bootstrapApp(AppModule.register(config, database), { name: 'users-api', port: config.port });
} catch (error) {
  if (!(error instanceof AppConfigError)) throw error;
  process.stderr.write(`[users-api] ${error.message}\n`);
  process.exitCode = 1;
}
