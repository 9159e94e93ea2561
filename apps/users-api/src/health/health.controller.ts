import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The health check answers within this, whatever the database does. */
export const HEALTH_TIMEOUT_MS = 800;

type DatabaseState = 'up' | 'down' | 'timeout';

/** Not traced: the tracing library ignores `/health` by default. */
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  async check() {
    const database = await this.database();
    if (database !== 'up') throw new ServiceUnavailableException({ status: 'error', database });
    return { status: 'ok', database };
  }

  private database(): Promise<DatabaseState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<DatabaseState>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), HEALTH_TIMEOUT_MS);
    });
    const query = this.dataSource.query('SELECT 1').then(
      (): DatabaseState => 'up',
      (): DatabaseState => 'down',
    );
    return Promise.race([query, timeout]).finally(() => clearTimeout(timer));
  }
}
