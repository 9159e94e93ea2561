import { carriesContextInPacket, clientAttributes, peerOf, receivedAttributes } from './transports.js';

describe('peerOf', () => {
  it.each([
    ['localhost:9092', { address: 'localhost', port: 9092 }],
    ['nats://10.0.0.5:4222', { address: '10.0.0.5', port: 4222 }],
    ['amqp://user:secret@rabbit.internal:5672/vhost', { address: 'rabbit.internal', port: 5672 }],
    ['mqtts://broker.example', { address: 'broker.example', port: undefined }],
    ['[::1]:4222', { address: '::1', port: 4222 }],
    [
      { hostname: 'rabbit', port: 5673, username: 'u', password: 'p' },
      { address: 'rabbit', port: 5673 },
    ],
    [
      { host: 'redis', port: '6380' },
      { address: 'redis', port: 6380 },
    ],
  ])('reads %p as host and port, never credentials', (endpoint, peer) => {
    expect(peerOf(endpoint)).toEqual(peer);
  });

  it.each([undefined, 42, '::not a url::'])('knows nothing of %p', (endpoint) => {
    expect(peerOf(endpoint)).toEqual(expect.not.objectContaining({ port: expect.anything() }));
  });
});

describe('the transports’ attributes', () => {
  it('names a client’s destination by the pattern, a RabbitMQ client’s by its queue', () => {
    expect(clientAttributes('nats', { options: { servers: ['nats://n1:4222'] } }, 'orders.created')).toEqual({
      'messaging.system': 'nats',
      'messaging.destination.name': 'orders.created',
      'server.address': 'n1',
      'server.port': 4222,
    });
    expect(clientAttributes('rabbitmq', { queue: 'orders', options: { urls: ['amqp://guest:guest@mq:5672'] } }, 'create')).toMatchObject({
      'messaging.destination.name': 'orders',
      'server.address': 'mq',
    });
    expect(clientAttributes('redis', { options: {} }, 'sum')).toMatchObject({ 'server.address': 'localhost', 'server.port': 6379 });
  });

  it('carries the context in the packet only where the protocol has no headers', () => {
    expect(['tcp', 'redis', 'nats', 'rabbitmq', 'kafka'].map((transport) => carriesContextInPacket(transport as 'tcp', {}))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(carriesContextInPacket('mqtt', { options: {} })).toBe(true);
    expect(carriesContextInPacket('mqtt', { options: { protocolVersion: 5 } })).toBe(false);
  });

  it('reads a Kafka message’s topic, partition, offset and group', () => {
    const rpc = { getTopic: () => 'orders', getPartition: () => 2, getMessage: () => ({ offset: '41', headers: {} }) };
    expect(receivedAttributes('kafka', { groupId: 'billing-server' }, rpc, 'orders')).toEqual({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'orders',
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
      'messaging.consumer.group.name': 'billing-server',
    });
  });
});
