import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostCheck, isLoopbackHost, requestHost } from './host-check.js';

describe('requestHost', () => {
  it.each([
    ['localhost:16700', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['127.0.0.1:16700', '127.0.0.1'],
    ['[::1]:16700', '::1'],
    ['evil.example:16700', 'evil.example'],
    ['', undefined],
    [undefined, undefined],
  ])('%p is %p', (header, host) => {
    expect(requestHost(header)).toBe(host);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['explorer.localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['localhost.evil.example', false],
    ['evil.example', false],
    ['10.0.0.5', false],
    ['128.0.0.1', false],
  ])('%p: %p', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('hostCheck', () => {
  const answer = (check: ReturnType<typeof hostCheck>, host?: string) => {
    let status = 0;
    let passed = false;
    const response = { writeHead: (code: number) => (status = code), end: () => undefined } as unknown as ServerResponse;
    check({ headers: host === undefined ? {} : { host } } as IncomingMessage, response, () => (passed = true));
    return passed ? 'passed' : status;
  };

  it('lets loopback names, the listening address and the configured hosts through, and refuses the rest with 403', () => {
    const check = hostCheck(['Traces.Internal'], '10.0.0.5');
    expect(answer(check, 'localhost:16700')).toBe('passed');
    expect(answer(check, '10.0.0.5:16700')).toBe('passed');
    expect(answer(check, 'traces.internal')).toBe('passed');
    expect(answer(check, 'evil.example:16700')).toBe(403);
    expect(answer(check)).toBe(403);
  });

  it('never takes the wildcard address as a host name', () => {
    expect(answer(hostCheck([], '0.0.0.0'), '0.0.0.0')).toBe(403);
  });
});
