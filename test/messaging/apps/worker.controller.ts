import { Controller } from '@nestjs/common';
import { type BaseRpcContext, Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';

const prefix = process.env.PATTERN_PREFIX ?? '';
const downstream = process.env.DOWNSTREAM_URL;

/** Calls the test's HTTP server, which records what each call carried (its traceparent, its body). */
async function callDownstream(path: string, body?: unknown): Promise<void> {
  const response = await fetch(
    `${downstream}${path}`,
    body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  await response.arrayBuffer();
}

interface Carried {
  /** The message's headers (NATS, RabbitMQ, Kafka) or MQTT 5 user properties hold a traceparent. */
  header: boolean;
  /** The packet beside the payload holds one: `metadata`, which Nest hands to TCP and Redis contexts. */
  packet: boolean;
}

/** Where the message in `context` carries its trace context, read with each transport's own accessors. */
function carried(context: BaseRpcContext): Carried {
  const args = context.getArgs() as unknown[];
  const rpc = context as BaseRpcContext & Record<string, () => unknown>;
  const json = (value: unknown): Record<string, unknown> => {
    try {
      return JSON.parse(String(value)) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  switch (process.env.TRANSPORT) {
    case 'tcp':
    case 'redis':
      return { header: false, packet: typeof (rpc.getMetadata() as Record<string, unknown> | undefined)?.traceparent === 'string' };
    case 'nats':
      return { header: !!(rpc.getHeaders() as { get(key: string): string } | undefined)?.get('traceparent'), packet: false };
    case 'mqtt':
    case 'mqtt5': {
      const packet = args[1] as { payload: Buffer; properties?: { userProperties?: Record<string, unknown> } };
      return { header: !!packet.properties?.userProperties?.traceparent, packet: 'metadata' in json(packet.payload) };
    }
    case 'rmq': {
      const message = rpc.getMessage() as { content: Buffer; properties: { headers?: Record<string, unknown> } };
      return { header: !!message.properties.headers?.traceparent, packet: 'metadata' in json(message.content) };
    }
    case 'kafka':
      return { header: !!(rpc.getMessage() as { headers?: Record<string, unknown> }).headers?.traceparent, packet: false };
    default:
      throw new Error(`no carrier check for ${process.env.TRANSPORT}`);
  }
}

/** The handlers of every message transport's worker: a reply, an echo, a failure, two events, and where the context came. */
@Controller()
export class WorkerController {
  @MessagePattern(`${prefix}sum`)
  async sum(@Payload() data: { a: number; b: number }): Promise<{ sum: number }> {
    await callDownstream('/lookup');
    return { sum: data.a + data.b };
  }

  @MessagePattern(`${prefix}echo`)
  echo(@Payload() data: unknown): unknown {
    return data;
  }

  @MessagePattern(`${prefix}carrier`)
  carrier(@Payload() _data: unknown, @Ctx() context: BaseRpcContext): Carried {
    return carried(context);
  }

  @MessagePattern(`${prefix}fail`)
  fail(@Payload() data: { reason: string }): never {
    throw new RpcException(`refused: ${data.reason}`);
  }

  @EventPattern(`${prefix}user.created`)
  async created(@Payload() data: unknown): Promise<void> {
    await callDownstream('/events', data);
  }

  @EventPattern(`${prefix}user.rejected`)
  rejected(@Payload() _data: unknown): void {
    throw new Error('rejected user');
  }
}
