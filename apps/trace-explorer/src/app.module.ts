import { GracefulHttpShutdown } from '@app/common/graceful-shutdown';
import { type DynamicModule, Module } from '@nestjs/common';
import { EXPLORER_CONFIG, type ExplorerConfig } from './explorer.config.js';
import { ExplorerController } from './http/explorer.controller.js';
import { JaegerController } from './http/jaeger.controller.js';
import { OtlpController } from './http/otlp.controller.js';
import { BodiesInFlight } from './http/read-body.js';
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
        // Four of the largest bodies at once; slow uploads beyond that wait their turn (503, retried).
        { provide: BodiesInFlight, useValue: new BodiesInFlight(4 * config.maxBodyBytes) },
        GracefulHttpShutdown,
      ],
    };
  }
}
