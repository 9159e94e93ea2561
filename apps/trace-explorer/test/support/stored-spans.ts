import type { StoredLog, StoredResource, StoredSpan } from '../../src/explorer-api.js';

const resources = new Map<string, StoredResource>();

export function resource(serviceName: string): StoredResource {
  let known = resources.get(serviceName);
  if (known === undefined) resources.set(serviceName, (known = { serviceName, attributes: { 'service.name': serviceName } }));
  return known;
}

let nextSpanId = 1;

/** A stored span with defaults for what a test does not care about. */
export function storedSpan(fields: Partial<StoredSpan> & { service?: string }): StoredSpan {
  const { service = 'users-api', ...rest } = fields;
  return {
    traceId: 'a'.repeat(32),
    spanId: (nextSpanId++).toString(16).padStart(16, '0'),
    parentSpanId: '',
    name: 'GET /users/:id',
    kind: 2,
    startUs: 1_700_000_000_000_000,
    durationUs: 1_000,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
    traceState: '',
    resource: resource(service),
    scope: { name: 'test', version: '' },
    ...rest,
  };
}

export function storedLog(fields: Partial<StoredLog>): StoredLog {
  return {
    timeUs: 1_700_000_000_000_000,
    traceId: 'a'.repeat(32),
    spanId: '',
    severityNumber: 9,
    severityText: 'info',
    body: 'line',
    attributes: {},
    resource: resource('users-api'),
    ...fields,
  };
}
