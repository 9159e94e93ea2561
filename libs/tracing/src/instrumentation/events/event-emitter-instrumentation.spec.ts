import { Controller, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import * as eventEmitter from '@nestjs/event-emitter';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { setupTestTracing, type TestTracing } from '../../testing/index.js';
import { eventName, NestEventEmitterInstrumentation } from './event-emitter-instrumentation.js';

describe('eventName', () => {
  it.each([
    ['user.created', 'user.created'],
    [['user', 'created'], 'user.created'],
    [Symbol('ready'), 'Symbol(ready)'],
  ])('names %p %p', (event, name) => {
    expect(eventName(event)).toBe(name);
  });
});

@Injectable()
class Listeners {
  @OnEvent('order.placed')
  count(): void {}

  @OnEvent('order.placed', { suppressErrors: false })
  async fail(): Promise<void> {
    throw new Error('listener failed');
  }
}

@Controller()
class OrdersController {}

@Module({ imports: [EventEmitterModule.forRoot()], providers: [Listeners], controllers: [OrdersController] })
class OrdersModule {}

describe('NestEventEmitterInstrumentation', () => {
  let tracing: TestTracing;
  let instrumentation: NestEventEmitterInstrumentation;
  beforeEach(() => {
    tracing = setupTestTracing();
    instrumentation = new NestEventEmitterInstrumentation(eventEmitter);
  });
  afterEach(async () => {
    instrumentation.disable();
    await tracing.shutdown();
  });

  it('runs each listener in a span under the emitter’s, and records a failure once even when Nest rethrows it', async () => {
    instrumentation.enable();
    const app = await Test.createTestingModule({ imports: [OrdersModule] }).compile();
    await app.init();
    const emitter = app.get(EventEmitter2);
    const request = trace.getTracer('test').startSpan('request');
    await context.with(trace.setSpan(context.active(), request), () => expect(emitter.emitAsync('order.placed', { id: 1 })).rejects.toThrow('listener failed'));
    request.end();
    await app.close();
    const listeners = tracing.spans().filter((span) => span.name === 'event order.placed');
    expect(listeners.map((span) => span.attributes['code.function.name']).sort()).toEqual(['Listeners.count', 'Listeners.fail']);
    for (const span of listeners) expect(span.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    const failed = listeners.find((span) => span.attributes['code.function.name'] === 'Listeners.fail')!;
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'listener failed' });
    expect(failed.events).toHaveLength(1);
  });

  it('finds the subscribers loader Nest does not export, and restores it when disabled', () => {
    const loader = eventEmitter.EventEmitterModule.forRoot().providers!.find(
      (provider) => (provider as { name?: string }).name === 'EventSubscribersLoader',
    ) as { prototype: Record<string, unknown> };
    const original = loader.prototype.wrapFunctionInTryCatchBlocks;
    instrumentation.enable();
    expect(loader.prototype.wrapFunctionInTryCatchBlocks).not.toBe(original);
    instrumentation.disable();
    expect(loader.prototype.wrapFunctionInTryCatchBlocks).toBe(original);
  });
});
