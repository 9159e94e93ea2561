import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Span, SpanKind } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

/** The Prometheus endpoint and the metrics on it. */
export interface TracingMetricsOptions {
  /**
   * Where the metrics are served, under the app's global prefix like any route. Answered by the
   * HTTP server before routing, so it needs no controller and is never traced, and no guard of the
   * app sees it: reach it only from where Prometheus scrapes (a private port, a network policy).
   * `false` serves nothing there, for an app that serves `MetricsService.scrape()` from a controller
   * of its own, behind its guards.
   * @default '/metrics'
   */
  path?: string | false;
  /**
   * Serve the metrics on a port of their own, as the OpenTelemetry Prometheus exporter does (its
   * default is 9464), at `path` there, instead of on the app's port: Prometheus scrapes a port that
   * clients never reach. Opened when the app starts, closed when it closes; a port in use stops
   * startup naming it.
   * @default undefined (the app's own port)
   */
  port?: number;
  /** The address the metrics port listens on. @default every interface, as the Prometheus exporter listens */
  host?: string;
  /** prom-client's process and Node.js runtime metrics (CPU, memory, event loop, GC). @default true */
  defaultMetrics?: boolean;
}

/**
 * Hooks on the request's SERVER span, with the names and meaning of
 * `@opentelemetry/instrumentation-http`'s. A hook that throws never breaks the request: it is
 * skipped, and its first error is logged once.
 */
export interface HttpServerSpanOptions {
  /** Requests it returns true for are neither traced nor measured, like `ignorePaths`. @default undefined */
  ignoreIncomingRequestHook?: (request: IncomingMessage) => boolean;
  /** Attributes set when the span starts, where the sampler sees them. Called for every request. @default undefined */
  startIncomingSpanHook?: (request: IncomingMessage) => Attributes;
  /** Called when a span that records starts (an unsampled request's span takes nothing). @default undefined */
  requestHook?: (span: Span, request: IncomingMessage) => void;
  /** Called when a span that records ends, its response status recorded. @default undefined */
  responseHook?: (span: Span, response: ServerResponse) => void;
  /**
   * Request and response headers recorded as `http.request.header.<name>` and
   * `http.response.header.<name>` (arrays of values). Redaction applies: an `authorization` or
   * `cookie` header is exported as `[REDACTED]`.
   * @default undefined
   */
  headersToSpanAttributes?: { server?: { requestHeaders?: string[]; responseHeaders?: string[] } };
}

/** What only the Nest application knows; given to `TracingModule.forRoot()`. Everything has a default. */
export interface TracingModuleOptions {
  /**
   * Extra span processors of this app (e.g. to enrich or filter spans), run after the library's
   * own. They get the spans of this app's requests, and are shut down when the app closes.
   * @default []
   */
  spanProcessors?: SpanProcessor[];
  /**
   * Paths not traced and not measured. Strings match the path and everything under it, with or
   * without the app's global prefix; regular expressions match the path as received. The metrics
   * path is always left out.
   * socket.io's own transport requests (`/socket.io`) carry no work of the app's: each message its
   * handlers receive is traced instead.
   * @default ['/health', '/metrics', '/socket.io']
   */
  ignorePaths?: (string | RegExp)[];
  /** Methods not traced and not measured. @default ['OPTIONS'] */
  ignoreMethods?: string[];
  /**
   * Extra attribute-key fragments (case and separators ignored) whose values are replaced with
   * `[REDACTED]` in exported spans and in log lines passed through `redactLogFields`. Always
   * redacted: keys containing password, passwd, secret, token, apikey, authorization or cookie.
   * @default []
   */
  redactKeys?: string[];
  /**
   * Extra query parameter names (matched whole, case and separators ignored) masked in URL
   * attributes. Always masked: names containing a secret key fragment, and `auth`, `code`,
   * `credential`, `jwt`, `key`, `pass`, `pwd`, `session`, `sessionid`, `sid`, `sig`, `signature`
   * and the signed-URL `X-Amz-*`/`X-Goog-*` credential and signature.
   * @default []
   */
  redactQueryParameters?: string[];
  /** Response header carrying the trace id of a sampled request; `false` turns it off. @default 'x-trace-id' */
  traceIdHeader?: string | false;
  /** How long closing the app waits for its spans to be exported. @default 5000 */
  shutdownTimeoutMs?: number;
  /**
   * An INTERNAL `Controller.method` span around each HTTP handler, under the request's SERVER span.
   * Off by default: the SERVER span already carries the handler's name (`code.function.name`) and
   * its exception, so the extra span mostly repeats it at a cost on every request. Microservice
   * and WebSocket handlers always get their span, as no SERVER span covers them.
   * @default false
   */
  httpHandlerSpans?: boolean;
  /**
   * A span for each guard, pipe, interceptor and exception filter where it runs (`guard AuthGuard`,
   * `pipe ValidationPipe`), under the request, message or resolver it runs for: to see which one is
   * slow, or which one refused a request. A guard shared by many controllers makes spans only for the
   * handler that was called. Off by default: most requests pass them in microseconds.
   * @default false
   */
  enhancerSpans?: boolean;
  /** Hooks on each request's SERVER span, as the HTTP instrumentation has them. @default {} */
  http?: HttpServerSpanOptions;
  /**
   * Prometheus metrics (request, query and external-call latencies and counts, with trace
   * exemplars); `false` serves none, for apps with a Prometheus module of their own.
   * @default true
   */
  metrics?: boolean | TracingMetricsOptions;
}

/** Options of `@Span()`. */
export interface SpanDecoratorOptions {
  /** Attributes set on every span of the method. */
  attributes?: Record<string, string | number | boolean>;
  /** @default SpanKind.INTERNAL */
  kind?: SpanKind;
}

/** Options of `@Span()` on a class, for every method it traces. */
export interface ClassSpanOptions extends SpanDecoratorOptions {
  /**
   * The first part of each span's name: `prefix.method`.
   * @default the class's name
   */
  prefix?: string;
}

/** A database operation, described on the active span by `traceDatabaseOperation`. */
export interface DatabaseOperation {
  /** `db.operation.name`, e.g. `SELECT`. Required. */
  operation: string;
  /** `db.collection.name`. Required. */
  table: string;
  /** `db.system.name`, e.g. `postgresql`. @default unset */
  system?: string;
  /** Further attributes, set as given. */
  [attribute: string]: string | number | boolean | undefined;
}

/** A call to another service, described on the active span by `traceExternalCall`. */
export interface ExternalCall {
  /** `server.service.name`, the service called. Required. */
  service: string;
  /** `url.full` when it is an absolute URL, else `url.path`. Required. */
  endpoint: string;
  /** `http.request.method`, upper-cased. @default unset */
  method?: string;
  /** Further attributes, set as given. */
  [attribute: string]: string | number | boolean | undefined;
}
