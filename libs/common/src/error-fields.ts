/**
 * What a log line may say about an error: its type, message and stack, and the fields that
 * classify it (a PostgreSQL error's code and constraint, a socket error's syscall). Everything else
 * is left out, because drivers attach the data they were working on: TypeORM's `QueryFailedError`
 * carries the query's parameters (a password hash among them) and PostgreSQL's `detail` quotes the
 * failing row or key.
 */
const CLASSIFYING_FIELDS = [
  'code',
  'errno',
  'syscall',
  'severity',
  'constraint',
  'schema',
  'table',
  'column',
  'dataType',
  'routine',
  'status',
  'statusCode',
] as const;
/** `cause` chains and AggregateError lists are followed this far. */
const MAX_DEPTH = 3;

export type ErrorFields = Record<string, unknown>;

export function errorFields(error: unknown, depth = 0): ErrorFields {
  if (!(error instanceof Error)) {
    return { type: typeof error, message: typeof error === 'string' ? error : 'non-Error value thrown' };
  }
  const fields: ErrorFields = { type: error.constructor?.name ?? error.name, message: error.message, stack: error.stack };
  for (const key of CLASSIFYING_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) fields.cause = errorFields(error.cause, depth + 1);
    if (error instanceof AggregateError) fields.errors = error.errors.slice(0, 10).map((inner) => errorFields(inner, depth + 1));
  }
  return fields;
}
