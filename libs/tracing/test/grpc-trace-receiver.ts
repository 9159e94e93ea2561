import { Server, ServerCredentials, type ServiceDefinition, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { type DecodedSpan, decodeTraceRequest } from '@app/test-support';

const EXPORT: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    // An empty ExportTraceServiceResponse encodes to zero bytes.
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: () => ({}),
  },
};

/** An OTLP/gRPC collector inside the test; requests are decoded with the same protobuf decoder. */
export class GrpcTraceReceiver {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly spans: DecodedSpan[],
  ) {}

  static async start(): Promise<GrpcTraceReceiver> {
    const server = new Server();
    const spans: DecodedSpan[] = [];
    server.addService(EXPORT, {
      Export: (call: ServerUnaryCall<Buffer, unknown>, callback: sendUnaryData<unknown>) => {
        spans.push(...decodeTraceRequest(call.request));
        callback(null, {});
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    return new GrpcTraceReceiver(server, port, spans);
  }

  close(): void {
    this.server.forceShutdown();
  }
}
