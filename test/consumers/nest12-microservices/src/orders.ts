/** What the gateway and the worker agree on: where Redis is, the message pattern, the queue. */
export const PRICE_ORDER = 'orders.price';
export const ORDERS_QUEUE = 'orders';
export const PRICING_CLIENT = 'PRICING';

const [host, port] = (process.env.REDIS_ADDRESS ?? '127.0.0.1:6379').split(':');
export const redis = { host, port: Number(port) };
export const queuePrefix = process.env.QUEUE_PREFIX ?? 'bull';
