export { loadTracingConfig } from './load-tracing-config.js';
export { TracingConfigError } from './tracing-config.error.js';
