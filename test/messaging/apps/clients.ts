/**
 * A program that uses the broker clients directly, without Nest's transports: it publishes one
 * message from inside a span of its own and consumes it. CLIENT is `kafkajs` or `amqplib`, BROKER
 * the broker's address, DESTINATION the topic or queue.
 */
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('clients');
const { CLIENT, BROKER = '', DESTINATION = 'orders' } = process.env;

async function viaKafka(): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'clients', brokers: [BROKER], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `clients-${DESTINATION}` });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: DESTINATION, fromBeginning: true });
  const consumed = new Promise<void>((done) => void consumer.run({ eachMessage: async () => done() }));
  console.log('worker ready');
  await tracer.startActiveSpan('publish order', async (span) => {
    await producer.send({ topic: DESTINATION, messages: [{ value: JSON.stringify({ order: 1 }) }] });
    span.end();
  });
  await consumed;
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
}

async function viaAmqp(): Promise<void> {
  const amqp = await import('amqplib');
  const connection = await amqp.connect(BROKER);
  const channel = await connection.createChannel();
  await channel.assertQueue(DESTINATION, { durable: false });
  const consumed = new Promise<void>(
    (done) =>
      void channel.consume(DESTINATION, (message) => {
        if (message) channel.ack(message);
        done();
      }),
  );
  console.log('worker ready');
  tracer.startActiveSpan('publish order', (span) => {
    channel.sendToQueue(DESTINATION, Buffer.from(JSON.stringify({ order: 1 })));
    span.end();
  });
  await consumed;
  await connection.close();
}

await (CLIENT === 'kafkajs' ? viaKafka() : viaAmqp());
console.log('consumed');
