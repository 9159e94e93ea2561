import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { TracingModuleOptions } from './tracing.interfaces.js';

export const {
  ConfigurableModuleClass: ConfigurableTracingModule,
  MODULE_OPTIONS_TOKEN: TRACING_MODULE_OPTIONS,
  OPTIONS_TYPE: TRACING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TRACING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TracingModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createTracingOptions')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** What `TracingModule.forRootAsync()` takes: `useFactory` with `inject` and `imports`, `useClass` or `useExisting`, and `isGlobal`. */
export type TracingModuleAsyncOptions = typeof TRACING_ASYNC_OPTIONS_TYPE;
