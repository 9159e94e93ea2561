/** What a logger needs to line up with traces: pino `mixin`, `formatters.log`, `autoLogging.ignore`. */
export { isUntracedRequest } from '../http/request-filter.js';
export { routeTemplate } from '../http/http-server-span.js';
export { redactLogFields } from './log-redaction.js';
export { type TraceLogFields, traceLogFields } from './trace-log-fields.js';
export { TracingConsoleLogger } from './tracing-console-logger.js';
