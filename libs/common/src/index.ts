export { bootstrapApp, type BootstrapOptions } from './bootstrap.js';
export { AppConfigError, type Env, envInteger, envRate, envString, envUrl } from './env.js';
export { createValidationPipe, fieldErrors } from './validation.js';
