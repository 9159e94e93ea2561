import { ApplicationConfig } from '@nestjs/core';
import type { TracingModuleOptions } from '../tracing.interfaces.js';
import { isUntracedRequest, RequestFilter, resolveRequestOptions } from './request-filter.js';

function filter(options: TracingModuleOptions = {}, globalPrefix?: string): RequestFilter {
  const appConfig = new ApplicationConfig();
  if (globalPrefix !== undefined) appConfig.setGlobalPrefix(globalPrefix);
  const requestFilter = new RequestFilter(resolveRequestOptions(options), appConfig);
  requestFilter.onApplicationBootstrap();
  return requestFilter;
}

const ignored = (requestFilter: RequestFilter, method: string | undefined, url: string | undefined) => requestFilter.isIgnored({ method, url });

describe('RequestFilter', () => {
  const defaults = filter();

  it.each([
    ['OPTIONS', '/users'],
    ['GET', '/health'],
    ['GET', '/health/db'],
    ['GET', '/health?verbose=1'],
    ['GET', '/metrics'],
  ])('ignores %s %s by default', (method, url) => {
    expect(ignored(defaults, method, url)).toBe(true);
  });

  it.each([
    ['GET', '/healthz'],
    ['GET', '/users/health'],
    ['GET', '/users?next=/health'],
    ['POST', '/metrics-export'],
    ['GET', '/api/health'],
    [undefined, undefined],
  ])('traces %s %s', (method, url) => {
    expect(ignored(defaults, method, url)).toBe(false);
  });

  it('matches configured regular expressions against the path without its query', () => {
    const custom = filter({ ignorePaths: [/^\/internal\/\d+$/], ignoreMethods: ['head'] });
    expect(ignored(custom, 'GET', '/internal/42?x=1')).toBe(true);
    expect(ignored(custom, 'GET', '/internal/42/x')).toBe(false);
    expect(ignored(custom, 'HEAD', '/users')).toBe(true);
    expect(ignored(custom, 'GET', '/health')).toBe(false);
    // The metrics endpoint is never traced, whatever the ignore list says.
    expect(ignored(custom, 'GET', '/metrics')).toBe(true);
  });

  it.each(['api', '/api/', 'api/v1'])('follows the global prefix %p as well as the bare paths', (prefix) => {
    const prefixed = filter({}, prefix);
    const base = `/${prefix.replace(/^\/|\/$/g, '')}`;
    expect(ignored(prefixed, 'GET', `${base}/health`)).toBe(true);
    expect(ignored(prefixed, 'GET', `${base}/metrics`)).toBe(true);
    expect(ignored(prefixed, 'GET', '/health')).toBe(true);
    expect(ignored(prefixed, 'GET', `${base}/users`)).toBe(false);
    expect(prefixed.routePath('/metrics')).toBe(`${base}/metrics`);
  });

  it('ignores a custom metrics path and nothing for metrics when they are off', () => {
    expect(ignored(filter({ metrics: { path: 'prom' } }), 'GET', '/prom')).toBe(true);
    expect(ignored(filter({ metrics: false, ignorePaths: [] }), 'GET', '/metrics')).toBe(false);
  });

  it('marks the requests it ignores, for a logger to skip them alike', () => {
    const health = { method: 'GET', url: '/health' };
    const users = { method: 'GET', url: '/users' };
    defaults.isIgnored(health);
    defaults.isIgnored(users);
    expect(isUntracedRequest(health)).toBe(true);
    expect(isUntracedRequest(users)).toBe(false);
  });
});
