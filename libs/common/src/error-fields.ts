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

type ErrorLike = Record<string, unknown> & { message: string };

/** An Error, or what pino's standard serializer made of one (pino-http hands custom serializers that). */
function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string';
}

function typeOf(error: ErrorLike): string {
  if (error instanceof Error) return error.constructor?.name ?? error.name;
  return typeof error.type === 'string' ? error.type : typeof error.name === 'string' ? error.name : 'Error';
}

export function errorFields(error: unknown, depth = 0): ErrorFields {
  if (!isErrorLike(error)) {
    return { type: typeof error, message: typeof error === 'string' ? error : 'non-Error value thrown' };
  }
  const fields: ErrorFields = { type: typeOf(error), message: error.message, stack: error.stack };
  for (const key of CLASSIFYING_FIELDS) {
    const value = error[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) fields.cause = errorFields(error.cause, depth + 1);
    if (Array.isArray(error.errors)) fields.errors = error.errors.slice(0, 10).map((inner) => errorFields(inner, depth + 1));
  }
  return fields;
}
