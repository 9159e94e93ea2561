import { type DiagLogger, diag } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { Logger } from '@nestjs/common';

const logger = new Logger('OpenTelemetry');
/** Diagnostic arguments can be anything, cycles included; formatting them must never throw. */
function describe(arg: unknown): string {
  if (arg instanceof Error) return arg.message;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

const text = (message: string, args: unknown[]) => [message, ...args.map(describe)].join(' ');

/**
 * The SDK's diagnostic log, written through Nest's logger and so through the app's (e.g. pino).
 * `OTEL_LOG_LEVEL` already chose what to show, so its debug lines are logged at `log` level:
 * under the app's usual level they would otherwise be dropped again.
 */
const nestDiagLogger: DiagLogger = {
  error: (message, ...args) => logger.error(text(message, args)),
  warn: (message, ...args) => logger.warn(text(message, args)),
  info: (message, ...args) => logger.log(text(message, args)),
  debug: (message, ...args) => logger.log(text(message, args)),
  verbose: (message, ...args) => logger.log(text(message, args)),
};

/** `OTEL_LOG_LEVEL` (e.g. `debug`) turns it on; without it the SDK stays silent. */
export function routeDiagnostics(level: string | undefined): void {
  if (!level) return;
  diag.setLogger(nestDiagLogger, { logLevel: diagLogLevelFromString(level), suppressOverrideMessage: true });
}
