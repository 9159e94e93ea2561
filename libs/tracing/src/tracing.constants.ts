export const TRACER_NAME = '@app/tracing';

export const EXPORTER_NAMES = ['console', 'jaeger', 'zipkin', 'otlp', 'none'] as const;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
/** The `OTEL_TRACES_SAMPLER` values of the SDK environment variable specification. */
export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export const PROPAGATOR_NAMES = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none'] as const;
/** `OTEL_NODE_RESOURCE_DETECTORS` values, as sdk-node reads them. */
export const RESOURCE_DETECTOR_NAMES = ['host', 'os', 'process', 'serviceinstance', 'env', 'all', 'none'] as const;
export const INSTRUMENTATION_NAMES = ['http', 'undici', 'express', 'pg', 'ioredis'] as const;
/** Express middleware spans duplicate what the interceptor already shows, so express is opt-in. */
export const DEFAULT_INSTRUMENTATIONS = ['http', 'undici', 'pg', 'ioredis'] as const;

export const DEFAULT_JAEGER_ENDPOINT = 'http://localhost:4318/v1/traces';
export const DEFAULT_ZIPKIN_ENDPOINT = 'http://localhost:9411/api/v2/spans';
export const DEFAULT_OTLP_HTTP_ENDPOINT = 'http://localhost:4318';
export const DEFAULT_OTLP_GRPC_ENDPOINT = 'http://localhost:4317';

export const DEFAULT_TRACE_ID_HEADER = 'x-trace-id';
export const DEFAULT_IGNORED_PATHS: readonly string[] = ['/health', '/metrics'];
export const DEFAULT_IGNORED_METHODS: readonly string[] = ['OPTIONS'];
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

export const REDACTED = '[REDACTED]';
/** Matched against attribute keys with case and separators removed, so `api_key` and `X-Api-Key` both match `apikey`. */
export const DEFAULT_REDACTED_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
];

/**
 * Query parameter names (case and separators ignored, matched whole) that carry credentials by
 * convention although no secret key fragment is in them: signed-URL signatures and credentials,
 * OAuth codes, session ids, short password and auth names. Matched in addition to the key fragments.
 */
export const DEFAULT_REDACTED_QUERY_PARAMETERS: readonly string[] = [
  'auth',
  'code',
  'credential',
  'jwt',
  'key',
  'pass',
  'pwd',
  'session',
  'sessionid',
  'sid',
  'sig',
  'signature',
  'xamzcredential',
  'xamzsignature',
  'xgoogcredential',
  'xgoogsignature',
];

/** Inbound W3C baggage kept per request (`TRACING_BAGGAGE_MAX_ENTRIES`, `TRACING_BAGGAGE_MAX_BYTES`). */
export const DEFAULT_BAGGAGE_MAX_ENTRIES = 16;
export const DEFAULT_BAGGAGE_MAX_BYTES = 1024;

export const DROPPED_SPANS_WARNING_INTERVAL_MS = 60_000;

/** Injection token of the {@link TracingRuntime} shared by the preload and the module. */
export const TRACING_RUNTIME = Symbol('TRACING_RUNTIME');
