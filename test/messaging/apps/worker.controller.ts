import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';

const prefix = process.env.PATTERN_PREFIX ?? '';
const downstream = process.env.DOWNSTREAM_URL;

/** Calls the test's HTTP server, which records what each call carried (its traceparent, its body). */
async function callDownstream(path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${downstream}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  await response.arrayBuffer();
}

/** The handlers of every message transport's worker: a reply, an echo, a failure, and two events. */
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
