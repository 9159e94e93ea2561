import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Observable } from 'rxjs';
import { type Method, type Patch, PatchingInstrumentation } from '../patching-instrumentation.js';
import { type ContextFields, contextFields, type NatsHeaders, withContextFields } from './carriers.js';
import { MessageSpans, type MessageHandler, recordHandlerException } from './message-spans.js';
import { carriesContextInPacket, type MessageTransport, type NestClient, type NestServer, type TransportName } from './transports.js';

type Class = { prototype: object };

/** What the instrumentation patches of `@nestjs/microservices`; every name is exported by its index. */
interface MicroservicesModule {
  Transport: Record<'TCP' | 'REDIS' | 'NATS' | 'MQTT' | 'GRPC' | 'RMQ' | 'KAFKA', number>;
  ClientProxy: Class;
  ClientTCP: Class;
  ClientRedis: Class;
  ClientNats: Class;
  ClientMqtt: Class;
  ClientRMQ: Class;
  ClientKafka: Class;
  ClientGrpcProxy: Class;
  Server: Class;
  ServerKafka: Class;
  ServerGrpc: Class;
  BaseRpcExceptionFilter: Class;
}

interface Client extends NestClient {
  connect(): Promise<unknown>;
  normalizePattern(pattern: unknown): string;
  serializer?: { serialize(value: unknown, options?: unknown): unknown };
}

interface TransportServer extends NestServer {
  normalizePattern(pattern: unknown): string;
}

interface Packet {
  pattern: unknown;
  data: unknown;
  metadata?: unknown;
}

/**
 * Traces `@nestjs/microservices` 12 (the release whose clients hand every packet to `createPacket`
 * and whose TCP and Redis servers pass a packet's `metadata` to the handler's context): a CLIENT span
 * for `ClientProxy.send`, a PRODUCER span for `emit`, and a SERVER (`@MessagePattern`) or CONSUMER
 * (`@EventPattern`) span for each handled message, continuing the sender's trace. The context
 * travels in the message's headers where the transport has them (NATS, RabbitMQ, Kafka, MQTT 5)
 * and in the packet's `metadata` where it has none (TCP, Redis, MQTT 3.1.1). gRPC calls are traced
 * by the gRPC instrumentation; its handlers are described here.
 *
 * It patches the classes of the app's own copy of the package, given to it, when enabled, and
 * restores them when disabled; it registers no module hook.
 */
export class NestMicroservicesInstrumentation extends PatchingInstrumentation {
  private readonly spans = new MessageSpans(() => this.tracer);
  private readonly nest: MicroservicesModule;
  private readonly clients: [Class, TransportName][];
  private readonly servers: Map<number | symbol | undefined, TransportName>;

  constructor(nest: object) {
    super('microservices');
    this.nest = nest as MicroservicesModule;
    const { Transport } = this.nest;
    this.clients = [
      [this.nest.ClientTCP, 'tcp'],
      [this.nest.ClientRedis, 'redis'],
      [this.nest.ClientNats, 'nats'],
      [this.nest.ClientMqtt, 'mqtt'],
      [this.nest.ClientRMQ, 'rabbitmq'],
      [this.nest.ClientKafka, 'kafka'],
      [this.nest.ClientGrpcProxy, 'grpc'],
    ];
    this.servers = new Map<number, TransportName>([
      [Transport.TCP, 'tcp'],
      [Transport.REDIS, 'redis'],
      [Transport.NATS, 'nats'],
      [Transport.MQTT, 'mqtt'],
      [Transport.RMQ, 'rabbitmq'],
      [Transport.KAFKA, 'kafka'],
      [Transport.GRPC, 'grpc'],
    ]);
  }

  /** Every method the instrumentation wraps, with its wrapper. */
  protected patches(): Patch[] {
    const { ClientProxy, ClientKafka, ClientNats, ClientRMQ, ClientMqtt, Server, ServerKafka, ServerGrpc, BaseRpcExceptionFilter } = this.nest;
    const prototype = (type: Class) => type.prototype as Record<string, Method>;
    return [
      [prototype(ClientProxy), 'send', (send) => this.tracedSend(send)],
      [prototype(ClientProxy), 'emit', (emit) => this.tracedEmit(emit, 'emit')],
      [prototype(ClientKafka), 'emitBatch', (emitBatch) => this.tracedEmit(emitBatch, 'emitBatch')],
      [prototype(ClientProxy), 'createPacket', (createPacket) => this.packetWithContext(createPacket)],
      [prototype(ClientNats), 'mergeHeaders', natsHeadersWithContext],
      [prototype(ClientRMQ), 'mergeHeaders', rmqHeadersWithContext],
      [prototype(ClientMqtt), 'mergePacketOptions', mqttOptionsWithContext],
      [prototype(ClientKafka), 'initializeSerializer', kafkaSerializerWithContext],
      ...[Server, ServerKafka, ServerGrpc].map((server): Patch => [prototype(server), 'addHandler', (addHandler) => this.tracedAddHandler(addHandler)]),
      [prototype(BaseRpcExceptionFilter), 'catch', recordingCatch],
    ];
  }

  private transportOf(client: object): TransportName | undefined {
    return this.clients.find(([type]) => client instanceof (type as unknown as new () => object))?.[1];
  }

  /** A message transport's client, or undefined for gRPC's (which has no `send`) and unknown ones. */
  private messageTransportOf(client: object): MessageTransport | undefined {
    const transport = this.transportOf(client);
    return transport === 'grpc' ? undefined : transport;
  }

  private tracedSend(send: Method): Method {
    const { spans } = this;
    const transportOf = (client: object) => this.messageTransportOf(client);
    return function (this: Client, pattern: unknown, data: unknown): unknown {
      const transport = transportOf(this);
      if (!transport || !sendsSomething(pattern, data)) return (send as (pattern: unknown, data: unknown) => unknown).call(this, pattern, data);
      return spans.send(transport, this, this.normalizePattern(pattern), () => {
        connectDetached(this);
        return (send as (pattern: unknown, data: unknown) => Observable<unknown>).call(this, pattern, data);
      });
    } as Method;
  }

  private tracedEmit(emit: Method, operation: 'emit' | 'emitBatch'): Method {
    const { spans } = this;
    const transportOf = (client: object) => this.messageTransportOf(client);
    return function (this: Client, pattern: unknown, data: unknown): unknown {
      const transport = transportOf(this);
      if (!transport || !sendsSomething(pattern, data)) return (emit as (pattern: unknown, data: unknown) => unknown).call(this, pattern, data);
      const batchSize = operation === 'emitBatch' ? (data as { messages?: unknown[] }).messages?.length : undefined;
      return spans.emit(
        transport,
        this,
        this.normalizePattern(pattern),
        operation,
        () => {
          connectDetached(this);
          return (emit as (pattern: unknown, data: unknown) => Observable<unknown>).call(this, pattern, data);
        },
        batchSize,
      );
    } as Method;
  }

  /** Transports without headers carry the context in the packet's `metadata`, which Nest's servers hand to the handler's context. */
  private packetWithContext(createPacket: Method): Method {
    const transportOf = (client: object) => this.messageTransportOf(client);
    return function (this: Client, pattern: unknown, data: unknown): Packet {
      const packet = (createPacket as (pattern: unknown, data: unknown) => Packet).call(this, pattern, data);
      const transport = transportOf(this);
      if (transport && carriesContextInPacket(transport, this)) {
        const fields = contextFields(context.active());
        if (fields) packet.metadata = withContextFields(packet.metadata, fields);
      }
      return packet;
    } as Method;
  }

  private tracedAddHandler(addHandler: Method): Method {
    const { spans, servers } = this;
    return function (this: TransportServer, pattern: unknown, callback: MessageHandler, isEventHandler = false, ...rest: unknown[]): unknown {
      const transport = servers.get(this.transportId);
      const route = pattern instanceof RegExp ? String(pattern) : this.normalizePattern(pattern);
      const traced = spans.handler(this, transport, route, callback, isEventHandler);
      return (addHandler as (...args: unknown[]) => unknown).call(this, pattern, traced, isEventHandler, ...rest);
    } as Method;
  }
}

/** Nest answers a missing pattern or payload with an error of its own, sending nothing: no span for that. */
function sendsSomething(pattern: unknown, data: unknown): boolean {
  return pattern !== null && pattern !== undefined && data !== null && data !== undefined;
}

/**
 * Connects the client, if it has not yet, outside the message's context: a client connects on its
 * first message, and its connection (its sockets and their events, replies included) would
 * otherwise belong to that message's trace for as long as it lives. `send` and `emit` then find it
 * connected or connecting; a failure reaches them through their own `connect()`.
 */
function connectDetached(client: Client): void {
  context.with(ROOT_CONTEXT, () => client.connect()).catch(() => undefined);
}

function recordingCatch(catchException: Method): Method {
  return function (this: unknown, exception: unknown, ...rest: unknown[]): unknown {
    recordHandlerException(exception);
    return (catchException as (...args: unknown[]) => unknown).call(this, exception, ...rest);
  } as Method;
}

/**
 * NATS headers with the trace context. A record's own headers are copied, never changed: an app may
 * send the same record twice. An empty `MsgHdrs` comes from Nest's own `mergeHeaders`, given a
 * client with headers, so it is made by the NATS package Nest loaded.
 */
function natsHeadersWithContext(mergeHeaders: Method): Method {
  return function (this: Client, requestHeaders: NatsHeaders | undefined): NatsHeaders | undefined {
    const merge = mergeHeaders as (this: unknown, headers?: NatsHeaders) => NatsHeaders | undefined;
    const headers = merge.call(this, requestHeaders);
    const fields = contextFields(context.active());
    if (!fields) return headers;
    const target = merge.call({ options: { headers: {} } })!;
    for (const key of headers?.keys() ?? []) {
      for (const value of (headers as NatsHeaders & { values(key: string): string[] }).values(key)) {
        (target as NatsHeaders & { append(key: string, value: string): void }).append(key, value);
      }
    }
    // An app that sets `traceparent` itself keeps its own, here as in the other transports' headers.
    for (const [key, value] of Object.entries(fields)) if (!headers?.get(key)) target.set(key, value);
    return target;
  } as Method;
}

function rmqHeadersWithContext(mergeHeaders: Method): Method {
  return function (this: Client, requestHeaders: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    const headers = (mergeHeaders as (this: unknown, headers?: Record<string, unknown>) => Record<string, unknown> | undefined).call(this, requestHeaders);
    const fields = contextFields(context.active());
    if (!fields) return headers;
    return { ...fields, ...headers };
  } as Method;
}

interface MqttPublishOptions {
  properties?: { userProperties?: Record<string, unknown> };
}

/** MQTT 5 user properties with the trace context; MQTT 3.1.1 has none, and carries it in the packet. */
function mqttOptionsWithContext(mergePacketOptions: Method): Method {
  return function (this: Client, requestOptions: MqttPublishOptions | undefined): MqttPublishOptions | undefined {
    const options = (mergePacketOptions as (this: unknown, options?: MqttPublishOptions) => MqttPublishOptions | undefined).call(this, requestOptions);
    const fields = this.options?.protocolVersion === 5 ? contextFields(context.active()) : undefined;
    if (!fields) return options;
    const userProperties = options?.properties?.userProperties;
    return { ...options, properties: { ...options?.properties, userProperties: { ...fields, ...userProperties } } };
  } as Method;
}

interface KafkaMessage {
  headers?: Record<string, unknown>;
}

/**
 * Kafka headers with the trace context, added to what the client's serializer (Nest's or the
 * app's) returns, as a new message: the app's record is not changed.
 */
function kafkaSerializerWithContext(initializeSerializer: Method): Method {
  return function (this: Client, options: unknown): void {
    (initializeSerializer as (this: unknown, options: unknown) => void).call(this, options);
    const serializer = this.serializer;
    if (!serializer) return;
    const withHeaders = (message: unknown, fields: ContextFields | undefined): unknown => {
      if (!fields || typeof message !== 'object' || message === null) return message;
      const { headers } = message as KafkaMessage;
      return { ...message, headers: { ...fields, ...headers } };
    };
    this.serializer = Object.create(serializer, {
      serialize: {
        value: (value: unknown, serializeOptions?: unknown): unknown => {
          const fields = contextFields(context.active());
          const message = serializer.serialize(value, serializeOptions);
          return message instanceof Promise ? message.then((resolved) => withHeaders(resolved, fields)) : withHeaders(message, fields);
        },
      },
    }) as Client['serializer'];
  } as Method;
}
