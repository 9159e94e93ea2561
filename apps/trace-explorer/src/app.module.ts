import { GracefulHttpShutdown } from '@app/common/graceful-shutdown';
import { type DynamicModule, Module } from '@nestjs/common';
import { EXPLORER_CONFIG, type ExplorerConfig } from './explorer.config.js';
import { ExplorerController } from './http/explorer.controller.js';
import { JaegerController } from './http/jaeger.controller.js';
import { OtlpController } from './http/otlp.controller.js';
import { PagesController } from './http/pages.controller.js';
import { TraceStore } from './store/trace-store.js';

@Module({})
export class AppModule {
  static register(config: ExplorerConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [OtlpController, JaegerController, ExplorerController, PagesController],
      providers: [
        { provide: EXPLORER_CONFIG, useValue: config },
        { provide: TraceStore, useValue: new TraceStore({ memoryBudgetBytes: config.memoryBudgetBytes }) },
        GracefulHttpShutdown,
      ],
    };
  }
}
