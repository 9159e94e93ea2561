import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';

const downstream = process.env.DOWNSTREAM_URL;

/** The gRPC worker's methods: `MathService` of math.proto. */
@Controller()
export class GrpcWorkerController {
  @GrpcMethod('MathService', 'Sum')
  async sum(data: { a: number; b: number }): Promise<{ sum: number }> {
    await (await fetch(`${downstream}/lookup`)).arrayBuffer();
    return { sum: data.a + data.b };
  }

  @GrpcMethod('MathService', 'Echo')
  echo(data: unknown): unknown {
    return data;
  }

  @GrpcMethod('MathService', 'Fail')
  fail(data: { reason: string }): never {
    throw new RpcException(`refused: ${data.reason}`);
  }
}
