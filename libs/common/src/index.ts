export { bootstrapApp, type BootstrapOptions } from './bootstrap.js';
export { type ErrorFields, errorFields } from './error-fields.js';
export { drainConnections, GracefulHttpShutdown, SHUTDOWN_GRACE_MS } from './graceful-shutdown.js';
export { createLoggerModule, LOG_LEVELS, loggerParams } from './logging.js';
export {
  createValidationPipe,
  DecimalInteger,
  type FieldErrors,
  fieldErrors,
  IsEmailAddress,
  IsOmittable,
  IsPlainText,
  MAX_BODY_DEPTH,
  RequestShapePipe,
  validationFailed,
} from './validation.js';
