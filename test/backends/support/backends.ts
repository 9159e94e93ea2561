import { freePort, waitUntil } from '@app/test-support';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { acceptsConnections } from '../../../apps/users-api/test/support/sample-system.js';
import { runProgram } from '../../support/program.js';

/**
 * The real Jaeger and Zipkin, built or fetched by `scripts/backends.sh`, started on free loopback
 * ports for one test file. Missing programs fail the suite with what to run: it never skips.
 */
const HOME = process.env.BACKENDS_HOME ?? join(homedir(), '.cache', 'nest-tracing-backends');
export const JAEGER_VERSION = 'v1.76.0';
export const ZIPKIN_VERSION = '3.6.1';
export const COLLECTOR_VERSION = 'v0.161.0';

/** The Collector built with the components of docker/otel-collector's configs. */
export function collectorBinary(): string {
  return program(join(HOME, `otelcol-${COLLECTOR_VERSION}`, 'otelcol'), `the Collector ${COLLECTOR_VERSION}`);
}

function program(path: string, name: string): string {
  if (!existsSync(path)) throw new Error(`${name} not found at ${path}: run scripts/backends.sh first`);
  return path;
}

export interface RunningBackend {
  stop(): Promise<void>;
  output(): string;
}

async function answers(url: string): Promise<true | undefined> {
  try {
    return (await fetch(url)).ok ? true : undefined;
  } catch {
    return undefined;
  }
}

export interface Jaeger extends RunningBackend {
  /** OTLP/HTTP traces endpoint, for `JAEGER_ENDPOINT`. */
  otlpHttpUrl: string;
  /** OTLP/gRPC endpoint. */
  otlpGrpcUrl: string;
  /** Jaeger's query service: `/api/traces`, `/api/services`... */
  queryUrl: string;
}

export interface JaegerOptions {
  /** Badger in this folder, spans kept for `spanTtl` (e.g. `8s`), instead of memory. */
  badger?: { directory: string; spanTtl: string };
}

/** Jaeger v2, storage in memory unless `badger` is given: OTLP in, the query API out, nothing else listening. */
export async function startJaeger({ badger }: JaegerOptions = {}): Promise<Jaeger> {
  const binary = program(join(HOME, `jaeger-${JAEGER_VERSION}`, 'jaeger'), `Jaeger ${JAEGER_VERSION}`);
  const [grpc, http, query, queryGrpc, health] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const directory = mkdtempSync(join(tmpdir(), 'jaeger-'));
  const config = join(directory, 'config.yaml');
  const storage = badger
    ? `        badger:
          directories:
            keys: ${badger.directory}
            values: ${badger.directory}
          ephemeral: false
          ttl:
            spans: ${badger.spanTtl}`
    : `        memory:
          max_traces: 100000`;
  writeFileSync(
    config,
    `service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: memory
    http:
      endpoint: 127.0.0.1:${query}
    grpc:
      endpoint: 127.0.0.1:${queryGrpc}
  jaeger_storage:
    backends:
      memory:
${storage}
  healthcheckv2:
    use_v2: true
    http:
      endpoint: 127.0.0.1:${health}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${grpc}
      http:
        endpoint: 127.0.0.1:${http}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memory
`,
  );
  const process = runProgram(binary, [`--config=file:${config}`]);
  await waitUntil(() => answers(`http://127.0.0.1:${health}/status`), 30_000).catch((error: Error) => {
    throw new Error(`${error.message}: Jaeger did not become healthy\n${process.output()}`);
  });
  return {
    otlpHttpUrl: `http://127.0.0.1:${http}/v1/traces`,
    otlpGrpcUrl: `http://127.0.0.1:${grpc}`,
    queryUrl: `http://127.0.0.1:${query}`,
    output: process.output,
    stop: async () => {
      await process.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface Zipkin extends RunningBackend {
  /** The v2 span intake, for `ZIPKIN_ENDPOINT`. */
  spansUrl: string;
  url: string;
}

/** Zipkin's server (the exec jar) with in-memory storage, on the machine's Java. */
export async function startZipkin(): Promise<Zipkin> {
  const jar = program(join(HOME, `zipkin-${ZIPKIN_VERSION}`, 'zipkin.jar'), `Zipkin ${ZIPKIN_VERSION}`);
  const port = await freePort();
  const process = runProgram('java', ['-Xmx256m', '-jar', jar], { QUERY_PORT: String(port), STORAGE_TYPE: 'mem', JAVA_OPTS: '' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(() => answers(`${url}/health`), 60_000).catch((error: Error) => {
    throw new Error(`${error.message}: Zipkin did not become healthy\n${process.output()}`);
  });
  return { url, spansUrl: `${url}/api/v2/spans`, output: process.output, stop: process.stop };
}

export interface Collector extends RunningBackend {
  /** OTLP/HTTP base URL, for `OTLP_ENDPOINT`. */
  otlpHttpUrl: string;
  /** OTLP/gRPC endpoint. */
  otlpGrpcUrl: string;
  /** Ends the process at once (SIGKILL), as a crash would: nothing is flushed. */
  kill(): void;
}

/** Ports of a collector under test; `configure` puts them (and the exporters' targets) into a config. */
export interface CollectorPorts {
  grpc: number;
  http: number;
  health: number;
}

/**
 * The real Collector running a config of docker/otel-collector, parsed and changed by `configure`
 * (endpoints only: what a deployment would change), and written to a temporary file.
 */
// A parsed YAML document: each test changes the few fields it knows by path.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CollectorConfig = any;

export async function startCollector(config: CollectorConfig, configure: (config: CollectorConfig, ports: CollectorPorts) => void): Promise<Collector> {
  const binary = collectorBinary();
  const ports = { grpc: await freePort(), http: await freePort(), health: await freePort() };
  const changed = structuredClone(config);
  configure(changed, ports);
  // The Collector's own metrics would listen on :8888 in every instance; they are not under test.
  changed.service.telemetry = { ...changed.service.telemetry, metrics: { level: 'none' } };
  const directory = mkdtempSync(join(tmpdir(), 'otelcol-'));
  const file = join(directory, 'config.yaml');
  writeFileSync(file, stringify(changed));
  const process = runProgram(binary, [`--config=file:${file}`]);
  // A config without the health_check extension is ready once its OTLP/gRPC port accepts connections.
  const ready = changed.extensions?.health_check ? () => answers(`http://127.0.0.1:${ports.health}/`) : () => acceptsConnections(ports.grpc);
  await waitUntil(ready, 30_000).catch((error: Error) => {
    throw new Error(`${error.message}: the Collector did not become healthy\n${process.output()}`);
  });
  return {
    otlpHttpUrl: `http://127.0.0.1:${ports.http}`,
    otlpGrpcUrl: `http://127.0.0.1:${ports.grpc}`,
    output: process.output,
    kill: () => process.child.kill('SIGKILL'),
    stop: async () => {
      await process.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** `otelcol validate` on a config file: the program's own verdict, with what it said. */
export function validateCollectorConfig(file: string): { status: number | null; output: string } {
  const result = spawnSync(collectorBinary(), ['validate', `--config=file:${file}`], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Jaeger as docker/docker-compose.tracing.yml runs it: no config file, so its built-in all-in-one
 * configuration on the default ports (OTLP 4317/4318, query 16686, health 13133). Resolves once healthy.
 */
export async function startJaegerAllInOne(): Promise<RunningBackend> {
  const binary = program(join(HOME, `jaeger-${JAEGER_VERSION}`, 'jaeger'), `Jaeger ${JAEGER_VERSION}`);
  const process = runProgram(binary, []);
  await waitUntil(() => answers('http://127.0.0.1:13133/status'), 30_000).catch((error: Error) => {
    throw new Error(`${error.message}: Jaeger (all-in-one defaults) did not become healthy\n${process.output()}`);
  });
  return { output: process.output, stop: process.stop };
}
