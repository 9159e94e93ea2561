import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import * as schedule from '@nestjs/schedule';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { setupTestTracing, type TestTracing } from '../../testing/index.js';
import { NestScheduleInstrumentation } from './schedule-instrumentation.js';

@Injectable()
class Ticker {
  ticks = 0;

  @Interval(20)
  tick(): void {
    this.ticks++;
  }
}

@Module({ imports: [ScheduleModule.forRoot()], providers: [Ticker] })
class TickerModule {}

describe('NestScheduleInstrumentation', () => {
  let tracing: TestTracing;
  let instrumentation: NestScheduleInstrumentation;
  beforeEach(() => {
    tracing = setupTestTracing();
    instrumentation = new NestScheduleInstrumentation(schedule);
  });
  afterEach(async () => {
    instrumentation.disable();
    await tracing.shutdown();
  });

  it('traces the decorator jobs of an app, named after their method when they have no name', async () => {
    instrumentation.enable();
    const app = await Test.createTestingModule({ imports: [TickerModule] }).compile();
    await app.init();
    await new Promise((done) => setTimeout(done, 70));
    await app.close();
    const runs = tracing.spans();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBe(app.get(Ticker).ticks);
    expect(runs[0]).toMatchObject({ name: 'interval Ticker.tick', attributes: expect.objectContaining({ 'nestjs.schedule.job.schedule': '20' }) });
  });

  it('restores the registry when disabled', () => {
    const original = SchedulerRegistry.prototype.addInterval;
    instrumentation.enable();
    expect(SchedulerRegistry.prototype.addInterval).not.toBe(original);
    instrumentation.disable();
    expect(SchedulerRegistry.prototype.addInterval).toBe(original);
  });
});
