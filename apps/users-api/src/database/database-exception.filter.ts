import { type ArgumentsHost, Catch, HttpStatus, Logger, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { QueryFailedError } from 'typeorm';
import { databaseErrorSummary, isDatabaseUnavailable } from './postgres-errors.js';

/** Seconds a client is asked to wait after a 503; the pool reconnects by itself within about one. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Database errors as a client and an operator should see them. Unreachable or too slow: 503 with
 * `Retry-After`. Any other: the usual 500. Either way the log line names the error by its SQLSTATE,
 * constraint and table, never by the query's parameters or the failing row, which TypeORM and
 * PostgreSQL attach to the error (a password hash among them). Everything else goes to Nest's
 * default handling.
 */
@Catch()
export class DatabaseExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Database');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ db: databaseErrorSummary(exception), msg: `database unavailable: ${(exception as Error).message}` });
      const response = host.switchToHttp().getResponse();
      this.httpAdapterHost?.httpAdapter.setHeader(response, 'Retry-After', String(RETRY_AFTER_SECONDS));
      return super.catch(new ServiceUnavailableException('database unavailable, retry later'), host);
    }
    if (exception instanceof QueryFailedError) {
      this.logger.error({ db: databaseErrorSummary(exception), msg: `database error: ${exception.message}` });
      const response = host.switchToHttp().getResponse();
      const body = { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
      this.httpAdapterHost?.httpAdapter.reply(response, body, body.statusCode);
      return;
    }
    super.catch(exception, host);
  }
}
