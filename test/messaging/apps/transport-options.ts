import { resolve } from 'node:path';
import { type ClientProviderOptions, type MicroserviceOptions, Transport } from '@nestjs/microservices';

/** The transports the messaging tests run, each against its real broker (gRPC needs none). */
export type TransportKey = 'tcp' | 'redis' | 'nats' | 'mqtt' | 'mqtt5' | 'rmq' | 'kafka' | 'grpc';

/**
 * Where one worker receives: the broker (or, for TCP and gRPC, nothing), its own destination
 * (TCP port, RabbitMQ queue, Kafka client and group id, gRPC address) and a prefix for its
 * patterns, so an instrumented and an uninstrumented worker can share one broker.
 */
export interface Endpoint {
  transport: TransportKey;
  broker: string;
  target: string;
  prefix: string;
}

export const MATH_PROTO = resolve(import.meta.dirname, '../math.proto');

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

/** `<PREFIX>TRANSPORT`, `BROKER`, `TARGET`, `PATTERN_PREFIX` of the environment. */
export function endpointFromEnv(prefix = ''): Endpoint {
  return {
    transport: required('TRANSPORT') as TransportKey,
    broker: process.env.BROKER ?? '',
    target: required(`${prefix}TARGET`),
    prefix: process.env[`${prefix}PATTERN_PREFIX`] ?? '',
  };
}

function hostAndPort(address: string): { host: string; port: number } {
  const [host, port] = address.split(':');
  return { host, port: Number(port) };
}

/** The options both sides share for one endpoint. */
function transportOptions({ transport, broker, target }: Endpoint, side: 'server' | 'client'): MicroserviceOptions {
  switch (transport) {
    case 'tcp':
      return { transport: Transport.TCP, options: { host: '127.0.0.1', port: Number(target) } };
    case 'redis':
      return { transport: Transport.REDIS, options: hostAndPort(broker) };
    case 'nats':
      return { transport: Transport.NATS, options: { servers: [broker] } };
    case 'mqtt':
      return { transport: Transport.MQTT, options: { url: broker } };
    case 'mqtt5':
      return { transport: Transport.MQTT, options: { url: broker, protocolVersion: 5 } };
    case 'rmq':
      return { transport: Transport.RMQ, options: { urls: [broker], queue: target, queueOptions: { durable: false } } };
    case 'kafka':
      return {
        transport: Transport.KAFKA,
        options: {
          client: { clientId: target, brokers: [broker], retry: { retries: 10 } },
          consumer: { groupId: target, sessionTimeout: 10_000, heartbeatInterval: 1_000, rebalanceTimeout: 10_000 },
          // Each gateway reads its replies in a consumer group of its own (Nest's default is shared).
          ...(side === 'client' ? { postfixId: `-client-${process.pid}` } : {}),
          subscribe: { fromBeginning: true },
        },
      };
    case 'grpc':
      return { transport: Transport.GRPC, options: { package: 'math', protoPath: MATH_PROTO, url: target } };
  }
}

export function serverOptions(endpoint: Endpoint): MicroserviceOptions {
  return transportOptions(endpoint, 'server');
}

export function clientOptions(name: string, endpoint: Endpoint): ClientProviderOptions {
  return { name, ...transportOptions(endpoint, 'client') } as ClientProviderOptions;
}
