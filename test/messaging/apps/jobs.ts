/** What the BullMQ test apps share: the connection, the key prefix of one test run, the queue names. */
import type { ConnectionOptions } from 'bullmq';

export const NEST_QUEUE = 'emails';
export const DIRECT_QUEUE = process.env.DIRECT_QUEUE ?? 'direct';

export function connection(): ConnectionOptions {
  const [host, port] = (process.env.BROKER ?? '127.0.0.1:6379').split(':');
  return { host, port: Number(port), maxRetriesPerRequest: null };
}

/** Every run of the suite keeps its queues under a prefix of its own. */
export const PREFIX = process.env.QUEUE_PREFIX ?? 'bull';

/** What a test asks a job to do: fail its first attempts, or stall on one. */
export interface JobData {
  id: string;
  failTimes?: number;
  slowOnAttempt?: number;
}
