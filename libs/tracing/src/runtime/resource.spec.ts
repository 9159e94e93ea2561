import { loadTracingConfig } from '../config/index.js';
import { createResource } from './resource.js';

const attributesOf = (env: Record<string, string>) => createResource(loadTracingConfig({ OTEL_SERVICE_NAME: 'orders', ...env })).attributes;

describe('createResource', () => {
  it('names the service and adds host and process attributes, but never the command line', () => {
    const attributes = attributesOf({ NODE_ENV: 'staging' });
    expect(attributes).toMatchObject({ 'service.name': 'orders', 'deployment.environment.name': 'staging', 'process.pid': process.pid });
    expect(attributes['host.name']).toBeDefined();
    expect(attributes['service.instance.id']).toBeDefined();
    expect(attributes).not.toHaveProperty('process.command_args');
  });

  it('runs only the detectors OTEL_NODE_RESOURCE_DETECTORS names', () => {
    const attributes = attributesOf({ OTEL_NODE_RESOURCE_DETECTORS: 'process' });
    expect(attributes['process.pid']).toBe(process.pid);
    expect(attributes).not.toHaveProperty('host.name');
    expect(attributesOf({ OTEL_NODE_RESOURCE_DETECTORS: 'none' })).not.toHaveProperty('process.pid');
  });

  it('adds OTEL_RESOURCE_ATTRIBUTES through the env detector, which reads the process environment', () => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'team=payments';
    try {
      expect(attributesOf({}).team).toBe('payments');
    } finally {
      delete process.env.OTEL_RESOURCE_ATTRIBUTES;
    }
  });
});
