import request from 'supertest';
import { startZipkin, type Zipkin } from './support/backends.js';
import { startTracedSampleSystem, type TracedSampleSystem } from './support/sample-system.js';

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

/** The sample system exporting with `TRACING_EXPORTER=zipkin` to a real Zipkin server, read back through its v2 API. */
describe('TRACING_EXPORTER=zipkin against Zipkin', () => {
  let zipkin: Zipkin;
  let system: TracedSampleSystem;

  beforeAll(async () => {
    zipkin = await startZipkin();
    system = await startTracedSampleSystem({ TRACING_EXPORTER: 'zipkin', ZIPKIN_ENDPOINT: zipkin.spansUrl });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await zipkin?.stop();
  });

  it('accepts every batch and holds the trace with names, kinds, parent ids, integer timestamps and durations', async () => {
    const signup = await request(system.api.url)
      .post('/users')
      .send({ email: 'zipkin@example.com', name: 'Zipkin', password: 'zipkin-password-1' })
      .expect(201);
    await request(system.api.url).get(`/users/${signup.body.id}`).expect(200);
    const traceId: string = signup.headers['x-trace-id'];

    let spans: ZipkinSpan[] = [];
    const deadline = Date.now() + 20_000;
    // A parent ends after its children and may come in a later batch: wait for every parent too.
    const complete = () => {
      const ids = new Set(spans.map((span) => span.id));
      return (
        spans.some((span) => span.name === 'post /emails' && span.localEndpoint.serviceName === 'email-service') &&
        spans.every((span) => !span.parentId || ids.has(span.parentId))
      );
    };
    while (!complete()) {
      if (Date.now() > deadline) throw new Error(`trace ${traceId} incomplete in Zipkin: ${JSON.stringify(spans.map((span) => span.name))}`);
      await new Promise((done) => setTimeout(done, 200));
      const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
      spans = response.ok ? ((await response.json()) as ZipkinSpan[]) : [];
    }

    const byId = new Map(spans.map((span) => [span.id, span]));
    const roots = spans.filter((span) => !span.parentId);
    expect(roots.map((span) => [span.name, span.kind, span.localEndpoint.serviceName])).toEqual([['post /users', 'SERVER', 'users-api']]);
    for (const span of spans) {
      if (span.parentId) expect(byId.has(span.parentId)).toBe(true);
      expect(Number.isInteger(span.timestamp)).toBe(true);
      expect(Number.isInteger(span.duration) && span.duration >= 1).toBe(true);
    }
    const kinds = new Set(spans.map((span) => span.kind));
    expect(kinds).toEqual(new Set(['SERVER', 'CLIENT', 'PRODUCER', undefined]));
    expect(spans.some((span) => span.tags?.['db.system.name'] === 'postgresql')).toBe(true);

    // A refused batch (a 400 from Zipkin) is reported by the exporter as dropped spans; none were.
    expect(`${system.api.output()}${system.emails.output()}`).not.toContain('Dropped');
    const services = (await (await fetch(`${zipkin.url}/api/v2/services`)).json()) as string[];
    expect(services).toEqual(expect.arrayContaining(['users-api', 'email-service']));
  });
});
