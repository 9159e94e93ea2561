import type { Attributes, Context } from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_RABBITMQ_DESTINATION_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM,
} from '../messaging-attributes.js';
import { contextFrom, metadataOfJsonPayload } from './carriers.js';

/** Nest's message transports, by the `messaging.system` their spans report. */
export type MessageTransport = 'tcp' | 'redis' | 'nats' | 'mqtt' | 'rabbitmq' | 'kafka';
/** Every built-in transport; gRPC's calls are traced by the gRPC instrumentation, as RPCs. */
export type TransportName = MessageTransport | 'grpc';

/** What the library reads of a Nest client (`ClientProxy` subclass). */
export interface NestClient {
  options?: Record<string, unknown>;
  host?: unknown;
  port?: unknown;
  url?: unknown;
  queue?: unknown;
  brokers?: unknown;
}

/** What the library reads of a Nest transport server (`Server` subclass). */
export interface NestServer {
  transportId?: number | symbol;
  queue?: unknown;
  groupId?: unknown;
}

/** The accessors of Nest's RPC contexts (`TcpContext`, `KafkaContext`...); each transport has some. */
export interface RpcContext {
  getMetadata?(): unknown;
  getHeaders?(): unknown;
  getChannel?(): unknown;
  getSubject?(): unknown;
  getTopic?(): unknown;
  getPacket?(): { properties?: { userProperties?: unknown }; payload?: unknown } | undefined;
  getMessage?(): { headers?: unknown; offset?: unknown; properties?: { headers?: unknown }; fields?: { routingKey?: unknown } } | undefined;
  getPartition?(): unknown;
}

interface Peer {
  address?: string;
  port?: number;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const int = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
};

/**
 * Host and port of a broker or server address as the transports' options give it (`host:port`, a
 * URL, or an object with `hostname`/`host` and `port`), never its user name or password.
 */
export function peerOf(endpoint: unknown): Peer {
  if (typeof endpoint === 'string') {
    const url = URL.parse(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
    if (!url) return {};
    return { address: text(url.hostname.replace(/^\[(.*)\]$/, '$1')), port: int(url.port) };
  }
  if (typeof endpoint === 'object' && endpoint !== null) {
    const { hostname, host, port } = endpoint as { hostname?: unknown; host?: unknown; port?: unknown };
    return { address: text(hostname) ?? text(host), port: int(port) };
  }
  return {};
}

const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

/** Where each transport's client sends, with the transports' own defaults. */
function clientPeer(transport: MessageTransport, client: NestClient): Peer {
  const options = client.options ?? {};
  switch (transport) {
    case 'tcp':
      return { address: text(client.host), port: int(client.port) };
    case 'redis':
      return { address: text(options.host) ?? 'localhost', port: int(options.port) ?? 6379 };
    case 'nats':
      return peerOf(first(options.servers) ?? 'nats://localhost:4222');
    case 'mqtt':
      return peerOf(client.url);
    case 'rabbitmq':
      return peerOf(first(options.urls) ?? 'amqp://localhost');
    case 'kafka':
      return peerOf(first(client.brokers));
  }
}

/** The attributes of a message `client` sends with `pattern` (already normalized to a string). */
export function clientAttributes(transport: MessageTransport, client: NestClient, pattern: string): Attributes {
  const { address, port } = clientPeer(transport, client);
  return {
    [ATTR_MESSAGING_SYSTEM]: transport,
    // RabbitMQ clients send every pattern to one queue; the other transports name a destination by it.
    [ATTR_MESSAGING_DESTINATION_NAME]: transport === 'rabbitmq' ? (text(client.queue) ?? pattern) : pattern,
    [ATTR_SERVER_ADDRESS]: address,
    [ATTR_SERVER_PORT]: port,
  };
}

/**
 * Whether the client carries the trace context in the packet's `metadata`, beside the payload,
 * because its protocol has no headers: TCP, Redis, and MQTT before version 5. Nest's servers hand
 * that metadata to the receiving side (`TcpContext.getMetadata()`) and ignore it otherwise.
 */
export function carriesContextInPacket(transport: MessageTransport, client: NestClient): boolean {
  return transport === 'tcp' || transport === 'redis' || (transport === 'mqtt' && client.options?.protocolVersion !== 5);
}

/** The context the sender of the message in `rpcContext` sent along, or the root context. */
export function senderContext(transport: MessageTransport, rpcContext: RpcContext): Context {
  switch (transport) {
    case 'tcp':
    case 'redis':
      return contextFrom(rpcContext.getMetadata?.());
    case 'nats':
      return contextFrom(rpcContext.getHeaders?.());
    case 'mqtt': {
      const packet = rpcContext.getPacket?.();
      return contextFrom(packet?.properties?.userProperties ?? metadataOfJsonPayload(packet?.payload));
    }
    case 'rabbitmq':
      return contextFrom(rpcContext.getMessage?.()?.properties?.headers);
    case 'kafka':
      return contextFrom(rpcContext.getMessage?.()?.headers);
  }
}

/** The attributes of a received message, from the server that received it and its RPC context. */
export function receivedAttributes(transport: MessageTransport, server: NestServer, rpcContext: RpcContext, pattern: string): Attributes {
  const attributes: Attributes = { [ATTR_MESSAGING_SYSTEM]: transport };
  switch (transport) {
    case 'tcp':
      attributes[ATTR_MESSAGING_DESTINATION_NAME] = pattern;
      break;
    case 'redis':
      attributes[ATTR_MESSAGING_DESTINATION_NAME] = text(rpcContext.getChannel?.()) ?? pattern;
      break;
    case 'nats':
      attributes[ATTR_MESSAGING_DESTINATION_NAME] = text(rpcContext.getSubject?.()) ?? pattern;
      break;
    case 'mqtt':
      attributes[ATTR_MESSAGING_DESTINATION_NAME] = text(rpcContext.getTopic?.()) ?? pattern;
      break;
    case 'rabbitmq':
      attributes[ATTR_MESSAGING_DESTINATION_NAME] = text(server.queue) ?? pattern;
      attributes[ATTR_MESSAGING_RABBITMQ_DESTINATION_ROUTING_KEY] = text(rpcContext.getMessage?.()?.fields?.routingKey);
      break;
    case 'kafka':
      attributes[ATTR_MESSAGING_DESTINATION_NAME] = text(rpcContext.getTopic?.()) ?? pattern;
      attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = int(rpcContext.getPartition?.())?.toString();
      attributes[ATTR_MESSAGING_KAFKA_OFFSET] = int(rpcContext.getMessage?.()?.offset);
      attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = text(server.groupId);
      break;
  }
  return attributes;
}
