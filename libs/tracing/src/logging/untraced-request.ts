import { defaultRequestTracingOptions, isIgnoredRequest } from '../http/request-tracing-options.js';
import { getTracingRuntime } from '../runtime/tracing-runtime.js';

/**
 * Whether the library leaves this request untraced (health checks, scrapes, OPTIONS), for code
 * outside it that should treat the same requests alike, such as a logger's access line.
 */
export function isUntracedRequest(request: { method?: string; url?: string }): boolean {
  const options = getTracingRuntime()?.requestOptions ?? defaultRequestTracingOptions();
  return isIgnoredRequest(options, request.method, request.url);
}
