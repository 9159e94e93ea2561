import { OFF } from './harness.mjs';

/** Our library off: every peer runs on the same build with the preload's tracing disabled. */
const off = OFF.env;

/**
 * What users compare the library with, each set up as its own docs say, on the same built users-api
 * with our library off, each sending to the benchmark's discard receiver: the OpenTelemetry docs
 * setup, nestjs-otel's README, Datadog's dd-trace and Sentry's Node SDK; and the OpenTelemetry floor
 * (the SDK and the HTTP instrumentation alone, no exporter), the least any OpenTelemetry setup pays.
 */
export function peerConfigurations(usersApi, receiverUrl) {
  return [
    { name: 'otel-docs', label: '(d) OpenTelemetry docs setup', args: ['--import', './bench/setups/otel-docs.mjs', usersApi], env: off },
    { name: 'nestjs-otel', label: '(e) nestjs-otel README', args: ['bench/setups/nestjs-otel.mjs'], env: off },
    {
      // Its docs' Node.js setup: the preload, every integration on by default, the Agent's URL; 100 %
      // sampling set explicitly. Remote configuration polls the Agent, which is not here.
      name: 'dd-trace',
      label: '(f) Datadog dd-trace',
      args: ['--import', 'dd-trace/initialize.mjs', usersApi],
      env: { ...off, DD_TRACE_AGENT_URL: receiverUrl, DD_TRACE_SAMPLE_RATE: '1', DD_SERVICE: 'users-api', DD_REMOTE_CONFIGURATION_ENABLED: 'false' },
    },
    {
      name: 'sentry',
      label: '(g) Sentry @sentry/node',
      args: ['--import', './bench/setups/sentry.mjs', usersApi],
      env: { ...off, SENTRY_DSN: `${receiverUrl.replace('://', '://public@')}/1` },
    },
    { name: 'otel-floor', label: '(h) OpenTelemetry floor', args: ['--import', './bench/setups/otel-floor.mjs', usersApi], env: off },
  ];
}

/**
 * The floors of an unsampled request, for the ledger only (`bench:paired --peer NAME`): the
 * OpenTelemetry floor with a parent-based always-off sampler, and the SDK alone giving each request
 * its context and a non-recording span (`setups/unsampled-floor.mjs`), what any propagating tracer
 * on the SDK pays for a request it does not sample.
 */
export function unsampledFloors(usersApi) {
  return [
    {
      name: 'otel-floor-0',
      label: '(h) OpenTelemetry floor, unsampled',
      args: ['--import', './bench/setups/otel-floor.mjs', usersApi],
      env: { ...off, BENCH_FLOOR_SAMPLER: 'parentbased_always_off' },
    },
    { name: 'sdk-floor-0', label: 'SDK context alone, unsampled', args: ['--import', './bench/setups/unsampled-floor.mjs', usersApi], env: off },
  ];
}
