import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { type Collector, type Jaeger, startCollector, startJaeger } from './support/backends.js';

const PRODUCTION = resolve('docker/otel-collector/production');
const loadConfig = (name: string) => parse(readFileSync(join(PRODUCTION, name), 'utf8'));

type Kind = 'error' | 'slow' | 'plain';
interface SyntheticTrace {
  traceId: string;
  kind: Kind;
}

/** Deterministic ids, so the probabilistic policy's verdicts (a hash of the trace id) repeat run to run. */
function syntheticTraces(phase: string, count: number): SyntheticTrace[] {
  return Array.from({ length: count }, (_, index) => ({
    traceId: createHash('sha256').update(`${phase}-${index}`).digest('hex').slice(0, 32),
    kind: index % 10 === 0 ? 'error' : index % 10 === 1 ? 'slow' : 'plain',
  }));
}

/** A collector duration such as `10s`, in ms. */
function seconds(duration: string): number {
  const match = /^(\d+)s$/.exec(duration);
  if (!match) throw new Error(`expected a duration in whole seconds such as 10s, got ${duration}`);
  return Number(match[1]) * 1000;
}

const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

/**
 * One OTLP/JSON request per service: the users-api halves of the traces, then the email-service
 * halves, so only routing by trace id brings a trace's two spans to the same sampler. An error
 * trace's error is on its email-service span; a slow trace's 1.5 s is its users-api span.
 */
function otlpBodies(traces: SyntheticTrace[]): string[] {
  const now = BigInt(Date.now()) * 1_000_000n;
  const ms = (value: number) => String(now + BigInt(value) * 1_000_000n);
  const body = (service: string, spans: unknown[]) =>
    JSON.stringify({
      resourceSpans: [{ resource: { attributes: [attribute('service.name', service)] }, scopeSpans: [{ scope: { name: 'tier-test' }, spans }] }],
    });
  const parents = traces.map(({ traceId, kind }) => ({
    traceId,
    spanId: traceId.slice(0, 16),
    name: 'POST /users',
    kind: 2,
    startTimeUnixNano: ms(0),
    endTimeUnixNano: ms(kind === 'slow' ? 1_500 : 30),
  }));
  const children = traces.map(({ traceId, kind }) => ({
    traceId,
    spanId: traceId.slice(16, 32),
    parentSpanId: traceId.slice(0, 16),
    name: 'POST /emails',
    kind: 2,
    startTimeUnixNano: ms(5),
    endTimeUnixNano: ms(20),
    status: kind === 'error' ? { code: 2, message: 'provider down' } : {},
  }));
  return [body('users-api', parents), body('email-service', children)];
}

interface JaegerTrace {
  traceID: string;
  spans: { operationName: string; processID: string }[];
  processes: Record<string, { serviceName: string }>;
}

/**
 * docker/otel-collector/production on loopback, with only endpoints changed (and the DNS resolver
 * of a Kubernetes headless service replaced by the two samplers' static addresses): a load-balancing
 * collector in front of two tail-sampling collectors in front of the real Jaeger.
 */
describe('the production collector tier (load balancing, tail sampling) in front of Jaeger', () => {
  let jaeger: Jaeger;
  let samplers: Collector[];
  let balancer: Collector;

  beforeAll(async () => {
    jaeger = await startJaeger();
    const sampler = () =>
      startCollector(loadConfig('tail-sampling.yaml'), (config, ports) => {
        config.receivers.otlp.protocols.grpc.endpoint = `127.0.0.1:${ports.grpc}`;
        config.exporters['otlp/jaeger'].endpoint = jaeger.otlpGrpcUrl.replace('http://', '');
      });
    samplers = [await sampler(), await sampler()];
    balancer = await startCollector(loadConfig('load-balancer.yaml'), (config, ports) => {
      config.receivers.otlp.protocols.grpc.endpoint = `127.0.0.1:${ports.grpc}`;
      config.receivers.otlp.protocols.http.endpoint = `127.0.0.1:${ports.http}`;
      config.exporters.loadbalancing.resolver = { static: { hostnames: samplers.map((one) => one.otlpGrpcUrl.replace('http://', '')) } };
    });
  }, 120_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all((samplers ?? []).map((one) => one.stop()));
    await jaeger?.stop();
  });

  async function send(traces: SyntheticTrace[]): Promise<void> {
    for (const body of otlpBodies(traces)) {
      const response = await fetch(`${balancer.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(200);
    }
  }

  /**
   * Every trace Jaeger holds for these ids, once the samplers have decided them all and flushed:
   * from decision_wait after the last span sent, a batch timeout with the count unchanged. The
   * samplers' batches leave up to a batch timeout apart, so a shorter quiet spell can end the wait
   * between two of them.
   */
  async function keptTraces(traces: SyntheticTrace[], lastSentAt: number): Promise<Map<string, JaegerTrace>> {
    const wanted = new Set(traces.map((trace) => trace.traceId));
    const { tail_sampling: tailSampling, batch } = loadConfig('tail-sampling.yaml').processors;
    const decidedBy = lastSentAt + seconds(tailSampling.decision_wait);
    const quietFor = seconds(batch.timeout) + 3_000;
    let kept = new Map<string, JaegerTrace>();
    let stableSince = Date.now();
    const deadline = decidedBy + 60_000;
    while (Date.now() < deadline && (kept.size === 0 || Date.now() - Math.max(stableSince, decidedBy) < quietFor)) {
      await new Promise((done) => setTimeout(done, 1_000));
      const response = await fetch(`${jaeger.queryUrl}/api/traces?service=users-api&lookback=1h&limit=100000`);
      const { data } = (await response.json()) as { data: JaegerTrace[] | null };
      const now = new Map((data ?? []).filter((trace) => wanted.has(trace.traceID)).map((trace) => [trace.traceID, trace]));
      if (now.size !== kept.size) stableSince = Date.now();
      kept = now;
    }
    return kept;
  }

  const services = (trace: JaegerTrace) => new Set(trace.spans.map((span) => trace.processes[span.processID].serviceName));

  it('keeps every error and slow trace whole, and about 10 % of the rest', async () => {
    const traces = syntheticTraces('burst', 300);
    await send(traces);
    const kept = await keptTraces(traces, Date.now());

    for (const trace of kept.values()) {
      expect(trace.spans).toHaveLength(2);
      expect(services(trace)).toEqual(new Set(['users-api', 'email-service']));
    }
    for (const trace of traces.filter((candidate) => candidate.kind !== 'plain')) expect(kept.has(trace.traceId)).toBe(true);
    // 240 plain traces at 10 %: 24 expected; three standard deviations (√(240 · 0.1 · 0.9) ≈ 4.6) either side.
    const plain = traces.filter((trace) => trace.kind === 'plain' && kept.has(trace.traceId)).length;
    process.stderr.write(`production tier: ${plain} of 240 plain traces kept at sampling_percentage 10\n`);
    expect(plain).toBeGreaterThanOrEqual(10);
    expect(plain).toBeLessThanOrEqual(38);
  }, 120_000);

  it('loses, when a sampler dies, only traces routed to it: the survivor keeps its share whole', async () => {
    const before = syntheticTraces('before-kill', 100);
    const after = syntheticTraces('after-kill', 100);
    await send(before);
    // Within decision_wait: the killed sampler still holds its share of `before` undecided.
    samplers[1].kill();
    await send(after);
    const mustKeep = [...before, ...after].filter((trace) => trace.kind !== 'plain');
    const kept = await keptTraces([...before, ...after], Date.now());

    for (const trace of kept.values()) expect(trace.spans).toHaveLength(2);
    const keptMustKeep = mustKeep.filter((trace) => kept.has(trace.traceId)).length;
    process.stderr.write(`production tier: after killing one of two samplers, ${keptMustKeep} of ${mustKeep.length} error/slow traces kept\n`);
    if (keptMustKeep === 0) {
      // Seen once in CI: nothing kept at all. What the collectors said is the only clue left.
      const tail = (text: string) => text.split('\n').slice(-30).join('\n');
      process.stderr.write(
        `surviving sampler:\n${tail(samplers[0].output())}\nload balancer:\n${tail(balancer.output())}\nJaeger:\n${tail(jaeger.output())}\n`,
      );
    }
    // The static resolver keeps routing half of the trace ids to the dead sampler: about half is lost.
    expect(keptMustKeep).toBeGreaterThanOrEqual(Math.floor(mustKeep.length * 0.25));
    expect(keptMustKeep).toBeLessThan(mustKeep.length);
  }, 120_000);
});
