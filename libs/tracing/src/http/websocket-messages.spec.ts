import type { IncomingMessage } from 'node:http';
import { setupTestTracing, type TestTracing } from '../testing/index.js';
import { connectionContext, rememberUpgrade, webSocketSystem } from './websocket-messages.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OPENER = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true };

describe('connection context', () => {
  let tracing: TestTracing;
  beforeEach(() => {
    tracing = setupTestTracing(); // the app's propagator reads traceparent
  });
  afterEach(() => tracing.shutdown());

  it('remembers the context a ws upgrade request carried, by its socket', () => {
    const socket = {};
    rememberUpgrade({ headers: { traceparent: TRACEPARENT }, socket } as unknown as IncomingMessage);
    expect(connectionContext({ _socket: socket })).toMatchObject(OPENER);
    expect(connectionContext({ _socket: {} })).toBeUndefined();
  });

  it('ignores an upgrade without traceparent, or with a malformed one', () => {
    const socket = {};
    rememberUpgrade({ headers: {}, socket } as unknown as IncomingMessage);
    rememberUpgrade({ headers: { traceparent: 'nonsense' }, socket } as unknown as IncomingMessage);
    expect(connectionContext({ _socket: socket })).toBeUndefined();
  });

  it('reads a socket.io socket’s handshake headers', () => {
    const client = { handshake: { headers: { traceparent: TRACEPARENT } } };
    expect(connectionContext(client)).toMatchObject(OPENER);
    expect(connectionContext({ handshake: { headers: {} } })).toBeUndefined();
    expect(connectionContext(undefined)).toBeUndefined();
    expect(webSocketSystem(client)).toBe('socket.io');
    expect(webSocketSystem({ _socket: {} })).toBe('websocket');
  });
});
