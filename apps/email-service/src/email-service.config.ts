import { type Env, envInteger, envRate } from 'nestjs-tracing/config';

export interface EmailServiceConfig {
  port: number;
  /** Where Nest's TCP transport takes deliveries (`EMAIL_TCP_PORT`); 0 takes a free port. */
  tcpPort: number;
  /** Added to every delivery, to show a slow dependency in traces. */
  latencyMs: number;
  /** Share of deliveries that fail with 503, to show retries and error spans. */
  failureRate: number;
  /** How long an idempotency key is remembered (`IDEMPOTENCY_TTL_SECONDS`). */
  idempotencyTtlMs: number;
  /** Memory for remembered deliveries (`IDEMPOTENCY_MEMORY_MB`); the oldest keys go first beyond it. */
  idempotencyMaxBytes: number;
}

export function loadEmailServiceConfig(env: Env = process.env): EmailServiceConfig {
  return {
    port: envInteger(env, 'PORT', 3001, { max: 65535 }),
    tcpPort: envInteger(env, 'EMAIL_TCP_PORT', 3002, { max: 65535 }),
    latencyMs: envInteger(env, 'EMAIL_LATENCY_MS', 0, { max: 60_000 }),
    failureRate: envRate(env, 'EMAIL_FAILURE_RATE', 0),
    idempotencyTtlMs: envInteger(env, 'IDEMPOTENCY_TTL_SECONDS', 86_400, { min: 1, max: 30 * 86_400 }) * 1_000,
    idempotencyMaxBytes: envInteger(env, 'IDEMPOTENCY_MEMORY_MB', 16, { min: 1, max: 4_096 }) * 1024 * 1024,
  };
}

export const EMAIL_SERVICE_CONFIG = Symbol('EMAIL_SERVICE_CONFIG');
