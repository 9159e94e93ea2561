import { freePort, waitUntil } from '@app/test-support';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { acceptsConnections } from '../../../apps/users-api/test/support/sample-system.js';
import { type Program, runProgram } from '../../support/program.js';

/**
 * The real brokers, installed or built by `scripts/brokers.sh`, each started on free loopback ports
 * in a folder of its own for one test file. A missing program fails the suite with what to run:
 * it never skips.
 */
const HOME = process.env.BROKERS_HOME ?? join(homedir(), '.cache', 'nest-tracing-brokers');
export const NATS_VERSION = 'v2.15.3';
export const KAFKA_VERSION = '4.4.0';
/** The Redis of scripts/test-services.sh; pub/sub channels ignore the database number. */
export const REDIS_ADDRESS = process.env.E2E_REDIS_ADDRESS ?? '127.0.0.1:6379';

export interface Broker {
  /** What the transport's options take: a URL, or `host:port` for Redis and Kafka. */
  address: string;
  stop(): Promise<void>;
  output(): string;
}

function program(path: string, name: string): string {
  if (!existsSync(path)) throw new Error(`${name} not found at ${path}: run scripts/brokers.sh first`);
  return path;
}

async function startedOn(port: number, name: string, process: Program, timeoutMs: number, directory: string): Promise<void> {
  try {
    await waitUntil(() => acceptsConnections(port), timeoutMs);
  } catch {
    await process.stop();
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms:\n${process.output().slice(-3000)}`);
  }
}

function broker(address: string, process: Program, directory: string): Broker {
  return {
    address,
    output: process.output,
    stop: async () => {
      await process.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** nats-server with its defaults, on a free port. */
export async function startNats(): Promise<Broker> {
  const binary = program(join(HOME, `nats-server-${NATS_VERSION}`, 'nats-server'), `nats-server ${NATS_VERSION}`);
  const directory = mkdtempSync(join(tmpdir(), 'nats-'));
  const port = await freePort();
  const nats = runProgram(binary, ['-a', '127.0.0.1', '-p', String(port)]);
  await startedOn(port, 'nats-server', nats, 15_000, directory);
  return broker(`nats://127.0.0.1:${port}`, nats, directory);
}

/** Debian's Mosquitto, anonymous, on a free port; it speaks MQTT 3.1.1 and 5. */
export async function startMosquitto(): Promise<Broker> {
  const binary = program(existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto', 'mosquitto (Debian package)');
  const directory = mkdtempSync(join(tmpdir(), 'mosquitto-'));
  const port = await freePort();
  const config = join(directory, 'mosquitto.conf');
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const mosquitto = runProgram(binary, ['-c', config]);
  await startedOn(port, 'mosquitto', mosquitto, 15_000, directory);
  return broker(`mqtt://127.0.0.1:${port}`, mosquitto, directory);
}

/**
 * Debian's RabbitMQ as a private node (its own name, distribution port, data and logs), the
 * `guest` user allowed from loopback.
 */
export async function startRabbitMq(): Promise<Broker> {
  const script = program('/usr/lib/rabbitmq/bin/rabbitmq-server', 'rabbitmq-server (Debian package)');
  const directory = mkdtempSync(join(tmpdir(), 'rabbitmq-'));
  const [port, distPort] = [await freePort(), await freePort()];
  writeFileSync(join(directory, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\nloopback_users = none\n`);
  writeFileSync(join(directory, 'enabled_plugins'), '[].\n');
  const rabbit = runProgram(script, [], {
    HOME: directory,
    RABBITMQ_NODENAME: `rabbit-${port}@localhost`,
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(directory, 'mnesia'),
    RABBITMQ_LOG_BASE: join(directory, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(directory, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(directory, 'rabbitmq'),
    RABBITMQ_PID_FILE: join(directory, 'pid'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  });
  await startedOn(port, 'RabbitMQ', rabbit, 60_000, directory);
  return broker(`amqp://guest:guest@127.0.0.1:${port}`, rabbit, directory);
}

/** Apache Kafka as one KRaft node (broker and controller) on Java 17, its storage formatted first, with `topics` created. */
export async function startKafka(topics: string[] = []): Promise<Broker> {
  const libs = join(program(join(HOME, `kafka-${KAFKA_VERSION}`, 'complete'), `Kafka ${KAFKA_VERSION}`), '..', 'libs');
  const directory = mkdtempSync(join(tmpdir(), 'kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = join(directory, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(directory, 'data')}`,
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'num.partitions=1',
      'auto.create.topics.enable=true',
    ].join('\n'),
  );
  const java = ['-Xms256m', '-Xmx512m', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', `${libs}/*`];
  const format = spawnSync('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', '2estRsrKQgW4EYN4Uynqzw', '-c', properties], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`formatting Kafka's storage failed:\n${format.stdout}${format.stderr}`);
  const kafka = runProgram('java', [...java, 'kafka.Kafka', properties]);
  await startedOn(port, 'Kafka', kafka, 60_000, directory);
  const admin = new Kafka({ clientId: 'test-admin', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  await admin.disconnect();
  return broker(`127.0.0.1:${port}`, kafka, directory);
}
