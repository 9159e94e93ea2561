import { Controller, Get, Injectable, type INestApplication, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { lastValueFrom, type Observable, of, throwError } from 'rxjs';
import request from 'supertest';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { TracingModule } from '../tracing.module.js';
import { Counted, Timed } from './metered.decorators.js';
import { MetricsService } from './metrics.service.js';

@Injectable()
class Billing {
  @Counted({ name: 'billing_charges_total', help: 'Charges attempted' })
  async charge(fail: boolean): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fail) throw new Error('card declined');
    return 'charged';
  }

  @Counted()
  refunds(fail: boolean): Observable<string> {
    return fail ? throwError(() => new Error('refund refused')) : of('refunded');
  }
}

@Controller()
class PayController {
  constructor(private readonly billing: Billing) {}

  @Get('pay')
  @Timed()
  @Counted()
  async pay(@Query('fail') fail?: string): Promise<{ result: string }> {
    return { result: await this.billing.charge(fail === 'yes').catch(() => 'declined') };
  }
}

describe('@Counted and @Timed', () => {
  let tracing: TestTracing;
  let app: INestApplication;
  beforeEach(async () => {
    tracing = setupTestTracing();
    const moduleRef = await Test.createTestingModule({ imports: [TracingModule.forRoot()], controllers: [PayController], providers: [Billing] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });
  const scrape = async (accept?: string) => (await app.get(MetricsService).scrape(accept)).body;

  it('counts and times the calls of a route handler and a provider by outcome, with the request’s trace as exemplar, keeping the route', async () => {
    const paid = await request(app.getHttpServer()).get('/pay').expect(200, { result: 'charged' });
    await request(app.getHttpServer()).get('/pay?fail=yes').expect(200, { result: 'declined' });
    const text = await scrape('application/openmetrics-text');
    expect(text).toMatch(new RegExp(`app_method_calls_total\\{class="PayController",method="pay",outcome="success"\\} 2 # \\{trace_id="[0-9a-f]{32}"`));
    expect(text).toMatch(
      new RegExp(`billing_charges_total\\{class="Billing",method="charge",outcome="success"\\} 1 # \\{trace_id="${paid.headers['x-trace-id']}"`),
    );
    expect(text).toContain('billing_charges_total{class="Billing",method="charge",outcome="error"} 1');
    expect(text).toContain('app_method_duration_seconds_count{class="PayController",method="pay",outcome="success"} 2');
    expect(text).toMatch(/app_method_duration_seconds_sum\{class="PayController",method="pay",outcome="success"\} 0\.0[1-9]/);
  });

  it('counts an Observable when it completes or errors', async () => {
    const billing = app.get(Billing);
    const refunded = billing.refunds(false);
    expect(await scrape()).not.toContain('method="refunds"');
    await lastValueFrom(refunded);
    await expect(lastValueFrom(billing.refunds(true))).rejects.toThrow('refund refused');
    const text = await scrape();
    expect(text).toContain('app_method_calls_total{class="Billing",method="refunds",outcome="success"} 1');
    expect(text).toContain('app_method_calls_total{class="Billing",method="refunds",outcome="error"} 1');
  });

  it('runs the method unmeasured on an instance Nest did not make', async () => {
    await expect(new Billing().charge(false)).resolves.toBe('charged');
    expect(await scrape()).not.toContain('billing_charges_total{');
  });
});
