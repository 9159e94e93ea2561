import { unsupportedNode } from './node-version.js';

describe('unsupportedNode', () => {
  it.each(['22.15.0', '22.23.5', '23.11.1', '24.22.3', '26.0.0'])('accepts %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });

  it.each(['20.20.2', '22.14.0', '18.20.8'])('refuses %s, naming the minimum', (version) => {
    expect(unsupportedNode(version)).toBe(`nestjs-tracing needs Node.js 22.15 or later, as the OpenTelemetry SDK does; this is ${version}`);
  });
});
