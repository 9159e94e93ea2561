import 'reflect-metadata';
import { bootstrapApp } from '@app/common';
import { exitOnConfigError } from 'nestjs-tracing/config';
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
  exitOnConfigError(error, 'users-api');
}
