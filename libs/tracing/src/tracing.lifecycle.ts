import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { TracingRuntime } from './runtime/tracing-runtime.js';
import { TRACING_RUNTIME } from './tracing.constants.js';

/** Flushes pending spans when Nest shuts down (`enableShutdownHooks()`, SIGTERM), within the deadline. */
@Injectable()
export class TracingLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TRACING_RUNTIME) private readonly runtime: TracingRuntime) {}

  onApplicationShutdown(): Promise<void> {
    return this.runtime.shutdown();
  }
}
