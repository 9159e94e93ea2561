import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { JAEGER_VERSION, startJaegerAllInOne } from './support/backends.js';

/** The Jaeger of docker/docker-compose.tracing.yml, started as the compose file starts it. */
describe('docker-compose.tracing.yml Jaeger', () => {
  it('names the Jaeger release the suites build, and that Jaeger starts with the compose configuration and serves the ports the compose file maps', async () => {
    const compose = parse(readFileSync('docker/docker-compose.tracing.yml', 'utf8'));
    const jaegerService = compose.services.jaeger;
    // Module v1.76.0 of github.com/jaegertracing/jaeger is Jaeger 2.13.0 (its CHANGELOG pairs them).
    expect({ module: JAEGER_VERSION, image: jaegerService.image }).toEqual({ module: 'v1.76.0', image: 'jaegertracing/jaeger:2.13.0' });
    // The compose file passes no command or config: the image runs its built-in all-in-one configuration.
    expect(jaegerService.command).toBeUndefined();

    const jaeger = await startJaegerAllInOne();
    try {
      for (const mapping of jaegerService.ports as string[]) {
        const port = Number(mapping.split(':').at(-1));
        const path = port === 16686 ? '/api/services' : port === 4318 ? '/v1/traces' : undefined;
        if (path) {
          const response = await fetch(
            `http://127.0.0.1:${port}${path}`,
            port === 4318 ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' } : {},
          );
          expect(response.status).toBe(200);
        }
      }
    } finally {
      await jaeger.stop();
    }
  });
});
