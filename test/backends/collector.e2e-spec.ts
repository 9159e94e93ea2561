import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { type Collector, type Jaeger, startCollector, startJaeger, startZipkin, validateCollectorConfig, type Zipkin } from './support/backends.js';
import { startTracedSampleSystem } from './support/sample-system.js';

const CONFIGS = resolve('docker/otel-collector');
const configFiles = [
  ...readdirSync(CONFIGS)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join(CONFIGS, name)),
  ...readdirSync(join(CONFIGS, 'production')).map((name) => join(CONFIGS, 'production', name)),
];

interface JaegerSpan {
  operationName: string;
  tags: { key: string; value: unknown }[];
  processID: string;
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

describe('docker/otel-collector with the real Collector', () => {
  it.each(configFiles.map((file) => [file.slice(CONFIGS.length + 1), file]))('the Collector validates %s', (_name, file) => {
    const { status, output } = validateCollectorConfig(file);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  describe('config.yaml between the sample system and the real Jaeger and Zipkin', () => {
    let jaeger: Jaeger;
    let zipkin: Zipkin;
    let collector: Collector;

    beforeAll(async () => {
      [jaeger, zipkin] = await Promise.all([startJaeger(), startZipkin()]);
      collector = await startCollector(parse(readFileSync(join(CONFIGS, 'config.yaml'), 'utf8')), (config, ports) => {
        config.receivers.otlp.protocols.grpc.endpoint = `127.0.0.1:${ports.grpc}`;
        config.receivers.otlp.protocols.http.endpoint = `127.0.0.1:${ports.http}`;
        config.extensions.health_check.endpoint = `127.0.0.1:${ports.health}`;
        config.exporters['otlp/jaeger'].endpoint = jaeger.otlpGrpcUrl.replace('http://', '');
        config.exporters.zipkin.endpoint = zipkin.spansUrl;
        // Seconds matter in a test; the file's batching is for production traffic.
        config.processors.batch.timeout = '200ms';
      });
    }, 120_000);

    afterAll(async () => {
      await collector?.stop();
      await Promise.all([jaeger?.stop(), zipkin?.stop()]);
    });

    async function inJaeger(traceId: string, complete: (trace: JaegerTrace) => boolean): Promise<JaegerTrace> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { data } = (await (await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`)).json()) as { data: JaegerTrace[] | null };
        if (data?.[0] && complete(data[0])) return data[0];
        if (Date.now() > deadline) throw new Error(`trace ${traceId} incomplete in Jaeger`);
        await new Promise((done) => setTimeout(done, 250));
      }
    }

    async function inZipkin(traceId: string, complete: (spans: { name: string; tags?: Record<string, string> }[]) => boolean) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
        const spans = response.ok ? ((await response.json()) as { name: string; tags?: Record<string, string> }[]) : [];
        if (complete(spans)) return spans;
        if (Date.now() > deadline) throw new Error(`trace ${traceId} incomplete in Zipkin`);
        await new Promise((done) => setTimeout(done, 250));
      }
    }

    it.each(['http/protobuf', 'http/json', 'grpc'])(
      'carries the POST /users trace of both services to Jaeger and Zipkin over OTLP %s',
      async (protocol) => {
        const endpoint = protocol === 'grpc' ? collector.otlpGrpcUrl : collector.otlpHttpUrl;
        const system = await startTracedSampleSystem({ TRACING_EXPORTER: 'otlp', OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
        const { api } = system;
        try {
          const signup = await request(api.url)
            .post('/users')
            .send({ email: `collector-${protocol.replace('/', '-')}@example.com`, name: 'Collector', password: 'collector-password-1' })
            .expect(201);
          const traceId: string = signup.headers['x-trace-id'];
          const trace = await inJaeger(traceId, (candidate) => candidate.spans.some((span) => span.operationName === 'POST /emails'));
          expect(new Set(Object.values(trace.processes).map((process) => process.serviceName))).toEqual(new Set(['users-api', 'email-service']));
          await inZipkin(traceId, (spans) => spans.some((span) => span.name === 'post /emails') && spans.some((span) => span.name === 'post /users'));
        } finally {
          await system.stop();
        }
      },
      90_000,
    );

    it('deletes the secret attributes it is configured to delete before Jaeger and Zipkin see them', async () => {
      const traceId = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
      const now = BigInt(Date.now()) * 1_000_000n;
      const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
      const body = {
        resourceSpans: [
          {
            resource: { attributes: [attribute('service.name', 'secrets-test')] },
            scopeSpans: [
              {
                scope: { name: 'collector-test' },
                spans: [
                  {
                    traceId,
                    spanId: '0102030405060708',
                    name: 'login',
                    kind: 2,
                    startTimeUnixNano: String(now),
                    endTimeUnixNano: String(now + 5_000_000n),
                    attributes: [
                      attribute('user.password', 'hunter2'),
                      attribute('auth.token', 'tok-123'),
                      attribute('db.connection.password', 'pg-secret'),
                      attribute('custom.api_key', 'key-456'),
                      attribute('http.request.header.authorization', 'Bearer abc'),
                      attribute('user.name', 'ada'),
                    ],
                  },
                ],
              },
            ],
          },
        ],
      };
      const response = await fetch(`${collector.otlpHttpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);

      const trace = await inJaeger(traceId, (candidate) => candidate.spans.length > 0);
      const keys = trace.spans[0].tags.map((tag) => tag.key);
      expect(keys).toContain('user.name');
      const [span] = await inZipkin(traceId, (spans) => spans.length > 0);
      expect(span.tags?.['user.name']).toBe('ada');
      const everything = JSON.stringify([trace, span]);
      for (const secret of ['hunter2', 'tok-123', 'pg-secret', 'key-456', 'Bearer abc']) expect(everything).not.toContain(secret);
      for (const key of ['user.password', 'auth.token', 'db.connection.password', 'custom.api_key', 'http.request.header.authorization']) {
        expect(keys).not.toContain(key);
        expect(span.tags ?? {}).not.toHaveProperty(key);
      }
    });
  });
});
