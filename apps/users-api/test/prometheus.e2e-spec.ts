import request from 'supertest';
import { type PreloadedProcess, TraceReceiver, waitUntil } from '@app/test-support';
import { PrometheusServer } from './support/prometheus.js';
import { createDatabase, REDIS_URL, startEmailService, startUsersApi, tracingEnv } from './support/sample-system.js';

/** The queries of docs/metrics-logs-alerts.md and alerts.yml, as an operator would run them. */
const QUERIES = {
  requestP95: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="users-api"}[5m])))',
  errorRate: 'sum(rate(traces_total{status="error"}[5m])) / sum(rate(traces_total[5m]))',
  databaseP95: 'histogram_quantile(0.95, sum by (le) (rate(db_query_duration_seconds_bucket{job="users-api"}[5m])))',
  externalSuccessRate: 'sum by (service) (rate(external_requests_total{status="success"}[5m])) / sum by (service) (rate(external_requests_total[5m]))',
};

describe('metrics scraped by a real Prometheus', () => {
  let receiver: TraceReceiver;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let emailService: PreloadedProcess;
  let usersApi: PreloadedProcess;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    receiver = await TraceReceiver.start();
    database = await createDatabase();
    // Some deliveries fail, so error traces and failed external calls show up too.
    emailService = await startEmailService(tracingEnv(receiver, { EMAIL_FAILURE_RATE: '0.5' }));
    usersApi = await startUsersApi(tracingEnv(receiver, { DATABASE_URL: database.url, REDIS_URL, EMAIL_SERVICE_URL: emailService.url }));
    prometheus = await PrometheusServer.start({ 'users-api': usersApi.url, 'email-service': emailService.url });
    // rate() needs the counters to move between scrapes: spread the traffic over several of them.
    await waitUntil(async () => ((await prometheus.query('up{job="users-api"} == 1')).length > 0 ? true : undefined), 30_000);
    for (let index = 0; index < 16; index++) {
      const { body } = await request(usersApi.url)
        .post('/users')
        .send({ email: `metrics-${index}@example.com`, name: 'M', password: 'metrics-password' })
        .expect(201);
      await request(usersApi.url).get(`/users/${body.id}`).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await request(usersApi.url).get('/users/00000000-0000-4000-8000-000000000000').expect(404);
    await request(usersApi.url).get('/no/such/path').expect(404);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await usersApi?.stop();
    await emailService?.stop();
    await database?.drop();
    await receiver?.close();
  });

  const numeric = async (expression: string) =>
    waitUntil(async () => {
      const [sample] = await prometheus.query(expression);
      return sample && Number.isFinite(Number(sample.value[1])) ? sample : undefined;
    }, 20_000).catch((error: Error) => {
      throw new Error(`${expression}: ${error.message}`);
    });

  it('answers the p95 request duration, error rate, p95 database latency and external success rate', async () => {
    const requestP95 = await numeric(QUERIES.requestP95);
    const errorRate = await numeric(QUERIES.errorRate);
    const databaseP95 = await numeric(QUERIES.databaseP95);
    const external = await numeric(QUERIES.externalSuccessRate);

    expect(Number(requestP95.value[1])).toBeGreaterThan(0);
    expect(Number(errorRate.value[1])).toBeGreaterThan(0);
    expect(Number(errorRate.value[1])).toBeLessThan(1);
    expect(Number(databaseP95.value[1])).toBeGreaterThan(0);
    expect(external.metric).toEqual({ service: 'email-service' });
    expect(Number(external.value[1])).toBeGreaterThan(0);
  });

  it('labels requests by route template, never by raw path or trace id', async () => {
    const series = await waitUntil(async () => {
      const found = await prometheus.query('count by (route, status_code) (http_request_duration_seconds_count{job="users-api"})');
      return found.length >= 4 ? found : undefined;
    }, 30_000);
    // A path no route matched is `unmatched`, whatever catch-all middleware (nestjs-pino's) it passed.
    expect(series.map((sample) => `${sample.metric.route} ${sample.metric.status_code}`).sort()).toEqual([
      '/users 201',
      '/users/:id 200',
      '/users/:id 404',
      'unmatched 404',
    ]);
    expect(await prometheus.query('count({__name__=~".+", trace_id!=""})')).toEqual([]);
  });

  it('stores exemplars whose trace ids are traces the apps exported', async () => {
    const exemplars = await waitUntil(async () => {
      const found = (await prometheus.exemplars('http_request_duration_seconds_bucket{job="users-api"}')).flatMap((series) => series.exemplars);
      return found.length > 0 ? found : undefined;
    }, 30_000);
    for (const exemplar of exemplars) expect(exemplar.labels.trace_id).toMatch(/^[0-9a-f]{32}$/);
    // A scrape can see a request's exemplar before the batch processor has exported its trace.
    const exported = () => new Set(receiver.spans.map((span) => span.traceId));
    const missing = () => exemplars.filter((exemplar) => !exported().has(exemplar.labels.trace_id));
    await receiver.waitFor(() => (missing().length === 0 ? true : undefined)).catch(() => undefined);
    expect(missing()).toEqual([]);
  });
});
