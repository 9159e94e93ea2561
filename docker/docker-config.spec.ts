import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadTracingConfig } from '../libs/tracing/src/config/index.js';
import { loadEmailServiceConfig } from '../apps/email-service/src/email-service.config.js';
import { loadUsersApiConfig } from '../apps/users-api/src/users-api.config.js';

/**
 * No Docker engine runs here, so this checks what can be checked without one: the files parse,
 * images are pinned, ports and variables agree with the apps, and referenced files exist.
 */
const DOCKER = resolve('docker');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, unknown>;
}
interface ComposeFile {
  include?: string[];
  services: Record<string, ComposeService>;
}

const readYaml = <T>(path: string): T => parse(readFileSync(join(DOCKER, path), 'utf8'), { merge: true }) as T;
const tracing = readYaml<ComposeFile>('docker-compose.tracing.yml');
const system = readYaml<ComposeFile>('docker-compose.yml');
const allServices = { ...tracing.services, ...system.services };
const containerPorts = (service: ComposeService) => (service.ports ?? []).map((port) => Number(port.split(':').at(-1)));

function yamlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

describe('docker/', () => {
  it.each(yamlFiles(DOCKER).map((path) => path.slice(DOCKER.length + 1)))('%s parses', (path) => {
    expect(readYaml(path)).toBeInstanceOf(Object);
  });

  it('pins every image to a version, never latest', () => {
    const images = Object.values(allServices).flatMap((service) => (service.image ? [service.image] : []));
    const dockerfileImages = [...readFileSync(join(DOCKER, 'Dockerfile'), 'utf8').matchAll(/^ARG NODE_IMAGE=(\S+)/gm)].map((match) => match[1]);
    for (const image of [...images, ...dockerfileImages]) expect(image).toMatch(/:v?\d+\.\d+(\.\d+)?(-[a-z]+)*$/);
    expect(images.length).toBeGreaterThanOrEqual(6);
  });

  it('exposes the ports the library defaults to', () => {
    const config = loadTracingConfig({});
    expect(containerPorts(tracing.services.jaeger)).toEqual(expect.arrayContaining([16686, 4317, 4318]));
    expect(new URL(config.jaegerEndpoint).port).toBe('4318');
    expect(containerPorts(tracing.services.zipkin)).toContain(Number(new URL(config.zipkinEndpoint).port));
    expect(containerPorts(tracing.services.prometheus)).toContain(9090);
  });

  it('starts every tracing backend on its own (no dependency outside the tracing file)', () => {
    expect(system.include).toEqual(['docker-compose.tracing.yml']);
    for (const service of Object.values(tracing.services)) {
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies) expect(Object.keys(tracing.services)).toContain(dependency);
    }
  });

  it('gives the apps settings their own configuration accepts, on the ports they default to', () => {
    const users = system.services['users-api'];
    const emails = system.services['email-service'];
    for (const service of [users, emails]) expect(() => loadTracingConfig(service.environment)).not.toThrow();
    expect(loadTracingConfig(users.environment)).toMatchObject({ enabled: true, exporters: ['otlp'], otlpEndpoint: 'http://otel-collector:4318/v1/traces' });

    const usersConfig = loadUsersApiConfig(users.environment);
    expect(usersConfig.port).toBe(loadUsersApiConfig({}).port);
    expect(containerPorts(users)).toEqual([usersConfig.port]);
    expect(new URL(usersConfig.databaseUrl!).hostname).toBe('postgres');
    expect(new URL(usersConfig.redisUrl!).hostname).toBe('redis');
    const emailConfig = loadEmailServiceConfig(emails.environment);
    expect(emailConfig.port).toBe(loadEmailServiceConfig({}).port);
    expect(emailConfig.tcpPort).toBe(loadEmailServiceConfig({}).tcpPort);
    // The outbox's welcome emails cross Nest's TCP transport, as they do under npm start.
    expect(usersConfig.emailServiceUrl).toBe(`tcp://email-service:${emailConfig.tcpPort}`);
    expect(containerPorts(system.services.postgres)).toEqual([]);
    const postgres = system.services.postgres.environment!;
    expect(usersConfig.databaseUrl).toBe(`postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`);
  });

  it('refers only to files that exist', () => {
    for (const service of Object.values(allServices)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.')) expect(existsSync(join(DOCKER, source))).toBe(true);
      }
      if (service.build) {
        const context = join(DOCKER, service.build.context);
        expect(existsSync(join(context, service.build.dockerfile))).toBe(true);
        expect(existsSync(join(context, 'apps', service.build.args!.APP, 'src', 'main.ts'))).toBe(true);
      }
    }
    const copied = [...readFileSync(join(DOCKER, 'Dockerfile'), 'utf8').matchAll(/^COPY (?!--from)(\S+(?: \S+)*) \S+$/gm)];
    expect(copied.length).toBeGreaterThanOrEqual(4);
    for (const [, sources] of copied) for (const source of sources.split(' ')) expect(existsSync(join(dirname(DOCKER), source))).toBe(true);
  });

  it('builds a non-root, multi-stage Node 24 image that starts with the preload', () => {
    const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\./m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('node --import nestjs-tracing/register dist/apps/${APP}/main.js');
  });

  describe('collector config', () => {
    interface Collector {
      receivers: Record<string, unknown>;
      processors: Record<string, { actions?: { key?: string; action: string }[] }>;
      exporters: Record<string, unknown>;
      service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
    }

    it.each(['otel-collector/config.yaml', 'otel-collector/production/load-balancer.yaml', 'otel-collector/production/tail-sampling.yaml'])(
      '%s wires only defined components, memory_limiter first and batch last',
      (path) => {
        const collector = readYaml<Collector>(path);
        for (const pipeline of Object.values(collector.service.pipelines)) {
          for (const name of pipeline.receivers) expect(collector.receivers).toHaveProperty([name]);
          for (const name of pipeline.processors) expect(collector.processors).toHaveProperty([name]);
          for (const name of pipeline.exporters) expect(collector.exporters).toHaveProperty([name]);
          expect(pipeline.processors[0]).toBe('memory_limiter');
          if (pipeline.processors.includes('batch')) expect(pipeline.processors.at(-1)).toBe('batch');
        }
      },
    );

    it('deletes the secret attribute keys and exports to Jaeger over OTLP and to Zipkin', () => {
      const collector = readYaml<Collector>('otel-collector/config.yaml');
      const deleted = collector.processors['attributes/delete-secrets'].actions!.filter((action) => action.action === 'delete').map((action) => action.key);
      expect(deleted).toEqual(expect.arrayContaining(['user.password', 'auth.token', 'http.request.header.authorization']));
      expect(collector.exporters['otlp/jaeger']).toMatchObject({ endpoint: 'jaeger:4317' });
      expect(collector.exporters.zipkin).toMatchObject({ endpoint: 'http://zipkin:9411/api/v2/spans' });
    });

    it('routes by trace id in front of tail sampling', () => {
      const balancer = readYaml<Collector>('otel-collector/production/load-balancer.yaml');
      expect(balancer.exporters.loadbalancing).toMatchObject({ routing_key: 'traceID' });
      expect(readYaml<Collector>('otel-collector/production/tail-sampling.yaml').service.pipelines.traces.processors).toContain('tail_sampling');
    });
  });
});
