export { setupTestTracing, type TestTracing, type TestTracingOptions } from './test-tracing.js';
