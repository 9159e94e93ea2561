export type { DecodedSpan } from './otlp-protobuf.js';
export { setupTestTracing, type TestTracing, type TestTracingOptions } from './test-tracing.js';
export { type ReceiverMode, TraceReceiver } from './trace-receiver.js';
export {
  type ExitStatus,
  type PreloadedProcess,
  type SpawnedProcess,
  spawnWithPreload,
  startWithPreload,
  type StartOptions,
} from './preloaded-process.js';
