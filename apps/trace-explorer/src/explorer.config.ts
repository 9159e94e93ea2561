import { type Env, envInteger, envString } from 'nestjs-tracing/config';

/**
 * 16700: clear of Jaeger (16685-16687, 14250, 14268, 4317, 4318), Zipkin (9411), the Collector
 * (4317, 4318, 8888, 13133, 55679) and Prometheus (9090).
 */
export const DEFAULT_EXPLORER_PORT = 16700;

export interface ExplorerConfig {
  /** `TRACE_EXPLORER_PORT`. @default 16700 */
  port: number;
  /** `TRACE_EXPLORER_HOST`: loopback unless set, since anything that reaches the port can read every trace. @default 127.0.0.1 */
  host: string;
  /**
   * `TRACE_EXPLORER_ALLOWED_HOSTS`: host names (comma-separated) that requests may name in their Host
   * header besides loopback names and the address listened on, for an explorer reached by name.
   * @default []
   */
  allowedHosts: string[];
  /** `TRACE_EXPLORER_MEMORY_MB`: the estimated size of stored traces before the oldest are evicted. @default 256 */
  memoryBudgetBytes: number;
  /** `TRACE_EXPLORER_MAX_BODY_MB`: the largest OTLP request accepted, after decompression. @default 16 */
  maxBodyBytes: number;
}

const MB = 1024 * 1024;

export function loadExplorerConfig(env: Env = process.env): ExplorerConfig {
  return {
    port: envInteger(env, 'TRACE_EXPLORER_PORT', DEFAULT_EXPLORER_PORT, { max: 65535 }),
    host: envString(env, 'TRACE_EXPLORER_HOST', '127.0.0.1'),
    allowedHosts: envString(env, 'TRACE_EXPLORER_ALLOWED_HOSTS', '')
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean),
    memoryBudgetBytes: envInteger(env, 'TRACE_EXPLORER_MEMORY_MB', 256, { min: 1, max: 65_536 }) * MB,
    maxBodyBytes: envInteger(env, 'TRACE_EXPLORER_MAX_BODY_MB', 16, { min: 1, max: 1_024 }) * MB,
  };
}

export const EXPLORER_CONFIG = Symbol('EXPLORER_CONFIG');
