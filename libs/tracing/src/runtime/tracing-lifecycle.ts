import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { TRACING_APP_PROCESSORS, TRACING_RUNTIME } from '../tracing.constants.js';
import type { TracingModuleOptions } from '../tracing.interfaces.js';
import { TRACING_MODULE_OPTIONS } from '../tracing.module-definition.js';
import type { AppScope } from './app-span-processors.js';
import type { TracingRuntime } from './tracing-runtime.js';

/**
 * One app's use of the runtime: its processors and redaction keys join when the module starts,
 * and leave, flushed, when the app closes (`app.close()`, or a signal with `enableShutdownHooks()`).
 * The runtime itself stops only with its owner; other apps in the process keep tracing.
 */
@Injectable()
export class TracingLifecycle implements OnModuleInit, OnApplicationShutdown {
  private scope?: AppScope;
  private attached = false;

  constructor(
    @Inject(TRACING_RUNTIME) private readonly runtime: TracingRuntime,
    @Inject(TRACING_MODULE_OPTIONS) private readonly options: TracingModuleOptions,
    @Inject(TRACING_APP_PROCESSORS) private readonly processors: SpanProcessor[],
  ) {}

  onModuleInit(): void {
    if (this.attached) return;
    this.attached = true;
    const { redactKeys, redactQueryParameters, shutdownTimeoutMs } = this.options;
    this.scope = this.runtime.attach(this.processors, { redactKeys, redactQueryParameters, shutdownTimeoutMs });
  }

  /** The request context, marked as this app's. */
  withApp(parent: Context): Context {
    return this.runtime.withApp(parent, this.scope);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.attached) return;
    this.attached = false;
    await this.runtime.detach(this.scope);
  }
}
