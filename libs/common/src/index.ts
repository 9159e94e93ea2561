export { bootstrapApp, type BootstrapOptions } from './bootstrap.js';
export { AppConfigError, type Env, envChoice, envInteger, envRate, envString, envUrl } from './env.js';
export { createLoggerModule, LOG_LEVELS, loggerParams } from './logging.js';
export { createValidationPipe, fieldErrors } from './validation.js';
