import { Logger } from '@nestjs/common';

/**
 * The library logs through Nest's static Logger so that, once the app installs its own logger
 * (`app.useLogger`), the library's messages follow it; before that they go to Nest's console logger.
 */
export const tracingLogger = new Logger('Tracing');
