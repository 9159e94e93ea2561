/**
 * This repository's process-level test tools (`@app/test-support`): an OTLP/HTTP and Zipkin
 * receiver that decodes what arrives and can fail or hang, and a launcher that starts a built app
 * with the preload and waits for its "listening on" line.
 */
export { type DecodedSpan, decodeTraceRequest } from './otlp-protobuf.js';
export { type ReceiverMode, TraceReceiver } from './trace-receiver.js';
export { type ExitStatus, type PreloadedProcess, type SpawnedProcess, spawnWithPreload, startWithPreload, type StartOptions } from './preloaded-process.js';
export { freePort, waitUntil } from './waiting.js';
