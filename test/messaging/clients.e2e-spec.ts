import { type DecodedSpan, TraceReceiver } from '@app/test-support';
import { type Broker, startKafka, startRabbitMq } from './support/brokers.js';
import { type AppProcess, startTraced } from './support/processes.js';

const KIND = { PRODUCER: 4, CONSUMER: 5 };

/**
 * The contrib instrumentations of the broker clients, for apps that use kafkajs or amqplib
 * directly. In an app with @nestjs/microservices they are left to Nest's transports unless asked
 * for by name, as here.
 */
describe.each([
  { client: 'kafkajs', system: 'kafka', startBroker: () => startKafka(['orders']) },
  { client: 'amqplib', system: 'rabbitmq', startBroker: startRabbitMq },
])('$client used directly', ({ client, system, startBroker }) => {
  let broker: Broker;
  let receiver: TraceReceiver;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    [broker, receiver] = await Promise.all([startBroker(), TraceReceiver.start()]);
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([broker?.stop(), receiver?.close()]);
  });

  it('makes a PRODUCER span under the publishing span and a CONSUMER span on the same trace', async () => {
    app = await startTraced('clients', {
      ...receiver.exportEnv(),
      CLIENT: client,
      BROKER: broker.address,
      DESTINATION: 'orders',
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: `http,${client}`,
    });
    const publish = await receiver.waitForSpan((span) => span.name === 'publish order', 30_000);
    const bySystem = (kind: number) => (span: DecodedSpan) => span.kind === kind && span.attributes['messaging.system'] === system;
    const producer = await receiver.waitForSpan(bySystem(KIND.PRODUCER), 30_000);
    const consumer = await receiver.waitForSpan(bySystem(KIND.CONSUMER), 30_000);
    expect(producer).toMatchObject({ traceId: publish.traceId, parentSpanId: publish.spanId });
    expect(consumer.traceId).toBe(publish.traceId);
  });
});
