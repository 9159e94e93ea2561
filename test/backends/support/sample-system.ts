import type { PreloadedProcess } from '@app/test-support';
import { createDatabase, REDIS_URL, startEmailService, startUsersApi } from '../../../apps/users-api/test/support/sample-system.js';

export interface TracedSampleSystem {
  api: PreloadedProcess;
  emails: PreloadedProcess;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * users-api (on a fresh database and the machine's Redis) and email-service, both with the preload
 * and tracing `env` (the exporter settings), flushing every 100 ms.
 */
export async function startTracedSampleSystem(env: Record<string, string>, emailEnv: Record<string, string> = {}): Promise<TracedSampleSystem> {
  const database = await createDatabase();
  const traced = { NODE_ENV: 'test', PORT: '0', ENABLE_TRACING: 'true', OTEL_BSP_SCHEDULE_DELAY: '100', ...env };
  const emails = await startEmailService({ ...traced, ...emailEnv });
  const api = await startUsersApi({ ...traced, DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: emails.url });
  return {
    api,
    emails,
    databaseUrl: database.url,
    stop: async () => {
      await api.stop();
      await emails.stop();
      await database.drop();
    },
  };
}
