import 'reflect-metadata';
import { bootstrapApp } from '@app/common';
import { ConfigError } from 'nestjs-tracing/config';
import { AppModule } from './app.module.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';
import { loadUsersApiConfig } from './users-api.config.js';

try {
  const config = loadUsersApiConfig();
  await bootstrapApp(
    async () => {
      const embedded = config.databaseUrl ? undefined : await EmbeddedPostgres.start(config.dataDir);
      return AppModule.register(config, { url: config.databaseUrl ?? embedded!.url, embedded });
    },
    { name: 'users-api', port: config.port },
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`[users-api] ${error.message}\n`);
  process.exitCode = 1;
}
