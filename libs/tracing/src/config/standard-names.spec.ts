import { loadConfig as load, refusal } from '../../test/config-refusal.js';

describe('the short names beside the standard variables', () => {
  it('turns tracing on with ENABLE_TRACING, or as the standard has it once the environment asks for traces', () => {
    expect(load({}).enabled).toBe(false);
    expect(load({ ENABLE_TRACING: 'true' })).toMatchObject({ enabled: true, exporters: ['console'] });
    expect(load({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ enabled: true, exporters: ['otlp'] });
    expect(load({ OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({ enabled: false, exporters: [] });
    expect(load({ OTEL_SDK_DISABLED: 'false' })).toMatchObject({ enabled: true, exporters: ['otlp'] });
    expect(load({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }).enabled).toBe(false);
    expect(load({ ENABLE_TRACING: 'true', OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
  });

  it('reads OTEL_TRACES_EXPORTER as a list, and takes it with TRACING_EXPORTER only when both say the same', () => {
    expect(load({ OTEL_TRACES_EXPORTER: 'console,zipkin,console' }).exporters).toEqual(['console', 'zipkin']);
    expect(load({ TRACING_EXPORTER: 'otlp,console', OTEL_TRACES_EXPORTER: 'console,otlp' }).exporters).toEqual(['otlp', 'console']);
    expect(refusal({ OTEL_TRACES_EXPORTER: 'jaeger' })).toBe('Invalid OTEL_TRACES_EXPORTER="jaeger": allowed values are otlp, zipkin, console, none');
    expect(refusal({ OTEL_TRACES_EXPORTER: 'none,otlp' })).toBe('Invalid OTEL_TRACES_EXPORTER="none,otlp": none cannot be combined with other exporters');
  });

  it.each([
    [{ ENABLE_TRACING: 'true', OTEL_SDK_DISABLED: 'true' }, 'Invalid ENABLE_TRACING="true": it disagrees with OTEL_SDK_DISABLED="true"; set one of them'],
    [{ ENABLE_TRACING: 'false', OTEL_SDK_DISABLED: 'false' }, 'Invalid ENABLE_TRACING="false": it disagrees with OTEL_SDK_DISABLED="false"; set one of them'],
    [
      { TRACING_EXPORTER: 'console', OTEL_TRACES_EXPORTER: 'otlp' },
      'Invalid TRACING_EXPORTER="console": it disagrees with OTEL_TRACES_EXPORTER="otlp"; set one of them',
    ],
    [
      { TRACING_SAMPLE_RATE: '0.5', OTEL_TRACES_SAMPLER: 'always_on' },
      'Invalid TRACING_SAMPLE_RATE="0.5": it disagrees with OTEL_TRACES_SAMPLER="always_on"; set one of them',
    ],
    [
      { TRACING_SAMPLE_RATE: '0.5', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.2' },
      'Invalid TRACING_SAMPLE_RATE="0.5": it disagrees with OTEL_TRACES_SAMPLER="parentbased_traceidratio"; set one of them',
    ],
    [
      { ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://other:9411/api/v2/spans' },
      'Invalid ZIPKIN_ENDPOINT="http://zipkin:9411/api/v2/spans": it disagrees with OTEL_EXPORTER_ZIPKIN_ENDPOINT="http://other:9411/api/v2/spans"; set one of them',
    ],
    [
      { OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318' },
      'Invalid OTLP_ENDPOINT="http://collector:4318": it disagrees with OTEL_EXPORTER_OTLP_ENDPOINT="http://other:4318"; set one of them',
    ],
  ])('stops on a short name and a standard one that disagree: %p', (env, message) => {
    expect(refusal(env)).toBe(message);
  });

  it('accepts both names when they agree', () => {
    expect(load({ TRACING_SAMPLE_RATE: '1', OTEL_TRACES_SAMPLER: 'parentbased_always_on' }).sampleRate).toBe(1);
    expect(load({ ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans/' }).zipkinEndpoint).toBe(
      'http://zipkin:9411/api/v2/spans',
    );
  });

  it('uses the Zipkin and OTLP endpoints as the specification says', () => {
    expect(load({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans' }).zipkinEndpoint).toBe('http://zipkin:9411/api/v2/spans');
    // The signal's own endpoint as given; the generic one with /v1/traces appended over HTTP, as given over gRPC.
    expect(
      load({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).otlpEndpoint,
    ).toBe('http://collector:4318/custom');
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpEndpoint).toBe('http://collector:4318/v1/traces');
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/v1/traces' }).otlpEndpoint).toBe('http://collector:4318/v1/traces/v1/traces');
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).otlpEndpoint).toBe('http://collector:4317');
    expect(load({ OTLP_ENDPOINT: 'http://collector:4318/v1/traces' }).otlpEndpoint).toBe('http://collector:4318/v1/traces');
  });
});
