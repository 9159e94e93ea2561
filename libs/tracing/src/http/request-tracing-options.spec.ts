import { applyModuleOptions, defaultRequestTracingOptions, isIgnoredRequest } from './request-tracing-options.js';

describe('isIgnoredRequest', () => {
  const defaults = defaultRequestTracingOptions();

  it.each([
    ['OPTIONS', '/users'],
    ['GET', '/health'],
    ['GET', '/health/db'],
    ['GET', '/health?verbose=1'],
    ['GET', '/metrics'],
  ])('ignores %s %s by default', (method, url) => {
    expect(isIgnoredRequest(defaults, method, url)).toBe(true);
  });

  it.each([
    ['GET', '/healthz'],
    ['GET', '/users/health'],
    ['GET', '/users?next=/health'],
    ['POST', '/metrics-export'],
    [undefined, undefined],
  ])('traces %s %s', (method, url) => {
    expect(isIgnoredRequest(defaults, method, url)).toBe(false);
  });

  it('matches configured regular expressions against the path without its query', () => {
    const options = defaultRequestTracingOptions();
    applyModuleOptions(options, { ignorePaths: [/^\/internal\/\d+$/], ignoreMethods: ['head'] });
    expect(isIgnoredRequest(options, 'GET', '/internal/42?x=1')).toBe(true);
    expect(isIgnoredRequest(options, 'GET', '/internal/42/x')).toBe(false);
    expect(isIgnoredRequest(options, 'HEAD', '/users')).toBe(true);
    expect(isIgnoredRequest(options, 'GET', '/health')).toBe(false);
  });
});
