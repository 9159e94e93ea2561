import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';

/**
 * SQLSTATEs that say "not now" rather than "not this": connection exceptions (class 08), the
 * server shutting down or starting (57P01-57P03), too many connections, a statement cancelled by
 * `statement_timeout` and a lock not granted within `lock_timeout`.
 */
const UNAVAILABLE_CODES = /^(08...|57P0[123]|53300|57014|55P03)$/;
/** Socket errors of a connection that could not be made or was lost. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's own errors for a lost, refused or silent connection, which carry no code. */
const DRIVER_MESSAGES = ['Connection terminated', 'timeout exceeded when trying to connect', 'Query read timeout', 'is not queryable', 'Connection ended'];

type DriverError = Error & { code?: unknown };

/** A request's database work outlived its deadline (see {@link withinDeadline}). */
export class DatabaseDeadlineError extends Error {
  override name = 'DatabaseDeadlineError';
}

/**
 * `work`, or a {@link DatabaseDeadlineError} once `ms` have passed, whichever comes first. One bound for
 * all of a request's waits (a pooled connection, each statement, a ROLLBACK after a failed one), each
 * of which has its own timeout that still releases the connection afterwards. A write cut short may
 * still commit if a frozen server wakes up later: a 503 says "retry later", not "nothing happened".
 */
export async function withinDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DatabaseDeadlineError(`no answer from the database within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The pg error behind a TypeORM error, or the error itself. */
function driverErrorOf(error: unknown): DriverError | undefined {
  if (error instanceof QueryFailedError) return error.driverError as DriverError;
  return error instanceof Error ? error : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && driverErrorOf(error)?.code === UNIQUE_VIOLATION;
}

/** True when the database could not be reached or did not answer in time: worth a retry later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  // A transaction whose connection was lost mid-way (a server restart) reaches COMMIT on a released
  // query runner: nothing was committed, and the pool reconnects.
  if (error instanceof DatabaseDeadlineError || error instanceof QueryRunnerAlreadyReleasedError) return true;
  for (let current = driverErrorOf(error), depth = 0; current && depth < 3; current = driverErrorOf(current.cause), depth++) {
    const code = typeof current.code === 'string' ? current.code : '';
    if (UNAVAILABLE_CODES.test(code) || SOCKET_CODES.has(code)) return true;
    if (DRIVER_MESSAGES.some((message) => current!.message.includes(message))) return true;
  }
  return false;
}

/** What identifies a database error without the data it carries (parameters, the failing row). */
export function databaseErrorSummary(error: unknown): Record<string, string> {
  const driver = driverErrorOf(error) as (DriverError & Record<string, unknown>) | undefined;
  const summary: Record<string, string> = {};
  for (const key of ['code', 'constraint', 'table', 'column', 'routine'] as const) {
    const value = driver?.[key];
    if (typeof value === 'string') summary[key] = value;
  }
  return summary;
}
