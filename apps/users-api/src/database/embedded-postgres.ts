import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PostgreSQL for a machine with no server: PGlite (Postgres compiled to WebAssembly) served over
 * the wire protocol on a local port, so the real `pg` driver, TypeORM and the pg instrumentation
 * run exactly as against a server. Data lives in `<dataDir>/pglite` and survives restarts.
 *
 * PGlite is one session: the server multiplexes connections at the query level, so transactions
 * from two connections would interleave. The app therefore uses a pool of one connection with it.
 */
export class EmbeddedPostgres implements OnApplicationBootstrap, OnApplicationShutdown {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly directory: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const directory = join(dataDir, 'pglite');
    await mkdir(directory, { recursive: true });
    const db = await PGlite.create(directory);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    return new EmbeddedPostgres(db, server, directory);
  }

  get url(): string {
    return `postgres://postgres@${this.server.getServerConn()}/postgres`;
  }

  /** Said once the app's logger is in place, so it is written like every other line. */
  onApplicationBootstrap(): void {
    new Logger('Database').log(`no DATABASE_URL: embedded PostgreSQL (PGlite) in ${this.directory}`);
  }

  /** Runs after TypeORM closed its pool: the root module's hooks come last. */
  async onApplicationShutdown(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
